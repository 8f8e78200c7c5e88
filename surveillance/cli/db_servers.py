"""``coastwatch db servers`` and ``db spread``: the store past one server (postgres_fdw).

Store servers are other PostGIS servers that hold days of positions; the store's own server
reads them as foreign partitions (docs/store-servers.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import click

from surveillance.cli.app import AppContext, console, needs, out, pass_app

if TYPE_CHECKING:
    from rich.table import Table

    from surveillance.store import ServerHealth

__all__ = ["servers", "spread", "health_table"]


@click.group()
def servers() -> None:
    """Other PostGIS servers that hold days of positions for the store (postgres_fdw)."""


@servers.command("add")
@click.argument("name")
@click.argument("url", metavar="URL")
@pass_app
@needs("settings")
def servers_add(app: AppContext, name: str, url: str) -> None:
    """Register the server at URL (postgresql://USER:PASSWORD@HOST:PORT/DB) as NAME.

    PostGIS is made there, the store's server is given a foreign server and a user mapping
    (the password stays in it, never shown), and the reference tables are copied over.
    """
    from rich.markup import escape

    with app.open_store() as store:
        added = store.add_server(name, url)
    console.print(
        f"store server {escape(added.name)} added at {escape(added.address)}, "
        "reference tables copied; `coastwatch db spread` moves days there"
    )


def health_table(health: list[ServerHealth]) -> Table:
    """The store servers as a table: name, address, state, days, rows (plain text)."""
    from rich.table import Table
    from rich.text import Text

    table = Table("store server", "address", "state", "days", "rows", box=None)
    for column in table.columns[3:]:
        column.justify = "right"
    for server in health:
        state = ("up: " if server.reachable else "unreachable: ") + server.detail
        table.add_row(
            Text(server.name),
            Text(server.address),
            Text(state),
            f"{server.days:,}",
            f"~{server.rows:,}",
        )
    return table


@servers.command("list")
@pass_app
def servers_list(app: AppContext) -> None:
    """The store servers, whether each answers, and the days and rows each holds."""
    with app.open_store() as store:
        health = store.server_health()
    if not health:
        console.print("no store server: every day of positions is on the store's own server")
        return
    out.print(health_table(health))


@servers.command("remove")
@click.argument("name")
@pass_app
@needs("settings")
def servers_remove(app: AppContext, name: str) -> None:
    """Unregister the store server NAME (refused while it holds days of positions)."""
    from rich.markup import escape

    with app.open_store() as store:
        store.remove_server(name)
    console.print(f"store server {escape(name)} removed")


@servers.command("sync")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@pass_app
@needs("settings")
def servers_sync(app: AppContext, names: tuple[str, ...]) -> None:
    """Copy the reference tables (vessels, zones, ports ...) to each store server again."""
    from rich.markup import escape

    with app.open_store() as store:
        copied = store.sync_reference(names)
    if not copied:
        console.print("no store server to copy the reference tables to")
    for name, rows in copied.items():
        console.print(f"{escape(name)}: reference tables replaced ({rows:,} rows)")


@click.command()
@click.option(
    "--before",
    metavar="DAY",
    help="Move the days before DAY (YYYY-MM-DD; default: every day before today, UTC).",
)
@click.option(
    "--server",
    "names",
    multiple=True,
    metavar="NAME",
    help="Move to these store servers only (repeat; default: every one), round-robin by day.",
)
@click.option("--dry-run", is_flag=True, help="Say which day would go where, change nothing.")
@pass_app
@needs("settings")
def spread(app: AppContext, before: str | None, names: tuple[str, ...], dry_run: bool) -> None:
    """Move local days of positions to the store servers, one day at a time.

    Each day is copied, its rows counted there, and only then swapped for a foreign
    partition in one transaction: reads go on while it moves, and an interrupted run loses
    nothing (the next one copies that day again).
    """
    from rich.progress import MofNCompleteColumn, Progress
    from rich.table import Table

    cutoff = _day(before) if before else datetime.now(UTC).date()
    with app.open_store() as store:
        due = store.days_to_spread(cutoff, names)
        if not due:
            console.print(f"nothing to spread: no local day of positions before {cutoff}")
            return
        plan = Table("day", "rows", "to", box=None)
        for day in due:
            plan.add_row(day.day.isoformat(), f"{day.rows:,}", day.server)
        if dry_run:
            out.print(plan)
            console.print(
                f"dry run: would move {len(due)} day(s), {sum(d.rows for d in due):,} rows"
            )
            return
        moved = 0
        columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("spreading days", total=sum(d.rows for d in due))
            for day in due:
                bar.update(task, description=f"moving {day.day} to {day.server}")
                moved += store.spread_day(day)
                bar.advance(task, day.rows)
    out.print(plan)
    console.print(f"moved {len(due)} day(s), {moved:,} rows, to the store servers")


def _day(given: str) -> date:
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise click.BadParameter(
            f"not a day (YYYY-MM-DD): {given!r}", param_hint="--before"
        ) from None
