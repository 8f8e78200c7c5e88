"""``coastwatch demo``: everything at once, on the default area of operations."""

from __future__ import annotations

import click

from surveillance.cli import AppContext, console, pass_app
from surveillance.cli_db import bring_up, print_status
from surveillance.pending import PendingCommand

__all__ = ["demo"]

#: The demo's steps after the store is up, as command paths.
_STEPS = (("simulate",), ("ingest", "ais"), ("detect",), ("dashboard",))


def _command(ctx: click.Context, path: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = ctx.find_root().command
    for name in path:
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(name)
    return command


@click.command()
@click.option("--no-dashboard", is_flag=True, help="Stop after the summary.")
@click.pass_context
@pass_app
def demo(app: AppContext, ctx: click.Context, no_dashboard: bool) -> None:
    """Bring the store up, simulate a scenario, ingest it, run the rules, open the dashboard.

    Steps whose code has not landed yet are named and skipped.
    """
    with bring_up(app) as store:
        print_status(app, store)
    missing = [
        " ".join(path)
        for path in _STEPS
        if isinstance(_command(ctx, path), PendingCommand | None)
        and not (no_dashboard and path == ("dashboard",))
    ]
    if missing:
        console.print("not available yet, skipped: " + ", ".join(missing))
    console.print(
        'the store stays up: `coastwatch db status`, `psql "$(coastwatch db url)"`; '
        "`coastwatch db down` stops it"
    )
