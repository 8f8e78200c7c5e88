"""``coastwatch demo``: everything at once, on the default area of operations."""

from __future__ import annotations

from typing import Any

import click

from surveillance.cli.app import AppContext, console, pass_app
from surveillance.cli.db import bring_up, print_status
from surveillance.cli.pending import PendingCommand

__all__ = ["demo"]


def _command(ctx: click.Context, path: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = ctx.find_root().command
    for name in path:
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(name)
    return command


@click.command()
@click.option("--no-dashboard", is_flag=True, help="Stop after the summary.")
@click.option(
    "--vessels",
    type=click.IntRange(1, 20_000),
    default=60,
    show_default=True,
    help="Background traffic of the simulated day.",
)
@click.pass_context
@pass_app
def demo(app: AppContext, ctx: click.Context, no_dashboard: bool, vessels: int) -> None:
    """Bring the store up, simulate a scenario, ingest it (AIS, watchlist, SAR scenes, drone
    logs), run the rules, score them against the scenario's truth, list the alerts, open the
    dashboard.

    Each step is the command of the same name; steps whose code has not landed yet are
    named and skipped.
    """
    bring_up(app).close()
    scenario = app.settings.home / "demo"
    steps: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        (("simulate",), {"out_dir": scenario, "seed": 0, "vessels": vessels}),
        (("ingest", "ais"), {"paths": (scenario / "feed.nmea",)}),
        (("watchlist", "import"), {"path": scenario / "watchlist.csv"}),
        (("ingest", "scene"), {"paths": (scenario / "scenes",), "sensor": None, "time": None}),
        (
            ("ingest", "drone"),
            {"paths": (scenario / "drone",), "connect": None, "duration": None, "names": ()},
        ),
        (("detect",), {}),
        (
            ("evaluate",),
            {"truth_file": scenario / "truth.json", "slack_minutes": 30.0, "fmt": "table"},
        ),
        (
            ("alerts", "list"),
            {
                "types": (),
                "statuses": (),
                "since": None,
                "until": None,
                "min_score": None,
                "limit": 20,
                "fmt": "table",
            },
        ),
    ]
    if not no_dashboard:
        steps.append((("dashboard",), {}))
    missing = []
    for path, params in steps:
        command = _command(ctx, path)
        if command is None or isinstance(command, PendingCommand):
            missing.append(" ".join(path))
            continue
        console.rule(f"coastwatch {' '.join(path)}")
        ctx.invoke(command, **params)
    console.rule("the store")
    with app.open_store() as store:
        print_status(app, store)
    if missing:
        console.print("not available yet, skipped: " + ", ".join(missing))
    console.print(
        'the store stays up: `coastwatch db status`, `psql "$(coastwatch db url)"`; '
        "`coastwatch db down` stops it"
    )
