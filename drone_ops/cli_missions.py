"""``coastwatch mission list``: the missions in the store."""

from __future__ import annotations

import json
from typing import Any

import click

from surveillance.cli.app import AppContext, format_option, needs, out, pass_app
from surveillance.times import iso_utc, parse_window

__all__ = ["mission_list"]


@click.command("list")
@click.option(
    "--status",
    type=click.Choice(["planned", "uploaded", "started", "flown", "aborted"]),
    help="Only missions with this status.",
)
@click.option("--since", metavar="ISO8601", help="Planned to start at or after (UTC).")
@click.option("--until", metavar="ISO8601", help="Planned to start before (UTC).")
@format_option("A table for people, or a JSON array.")
@pass_app
@needs("missions.read")
def mission_list(
    app: AppContext, status: str | None, since: str | None, until: str | None, fmt: str
) -> None:
    """Stored missions, newest first."""
    window = parse_window(since, until) if since or until else None
    with app.user_store("missions.read") as store:
        found = store.missions(window, status=status)
    records = [
        {
            "id": int(row["id"]),
            "name": row["name"],
            "kind": row["kind"],
            "status": row["status"],
            "planned_start": iso_utc(row["planned_start"]),
            "distance_m": (row["stats"] or {}).get("distance_m"),
            "flight_time_s": (row["stats"] or {}).get("flight_time_s"),
            "items": (row["stats"] or {}).get("items"),
            "alert_id": row["alert_id"] if isinstance(row["alert_id"], str) else None,
        }
        for row in found.to_dict("records")
    ]
    if fmt == "json":
        click.echo(json.dumps(records, default=str))
        return
    _table(records)


def _table(records: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not records:
        out.print("no missions")
        return
    table = Table(box=None)
    for heading in ("id", "name", "kind", "status", "planned start", "km", "min", "items"):
        table.add_column(heading)
    for r in records:
        km = "" if r["distance_m"] is None else f"{r['distance_m'] / 1000:.1f}"
        minutes = "" if r["flight_time_s"] is None else f"{r['flight_time_s'] / 60:.0f}"
        cells = (
            r["id"],
            r["name"],
            r["kind"],
            r["status"],
            r["planned_start"] or "",
            km,
            minutes,
            r["items"] or "",
        )
        table.add_row(*(escape(str(c)) for c in cells))
    out.print(table)
