"""``coastwatch mission plan intercept``: send a drone to where a vessel will be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from drone_ops.cli_setup import emit_plan, flight_options, setup_from_options
from surveillance.cli.app import AppContext, console, needs, out, pass_app
from surveillance.errors import InputError

__all__ = ["intercept"]


@click.command("intercept")
@click.option("--alert", "alert_id", metavar="ID", help="The alert (or its id prefix).")
@click.option("--mmsi", type=int, help="The vessel, by MMSI.")
@click.option(
    "--pattern",
    type=click.Choice(["orbit", "expanding-square"]),
    default="orbit",
    show_default=True,
    help="What to fly there (a vessel without AIS is always searched for).",
)
@click.option("--now", metavar="ISO8601", help="Plan as if it were this time (default: now).")
@flight_options
@pass_app
@needs("missions")
def intercept(
    app: AppContext,
    alert_id: str | None,
    mmsi: int | None,
    pattern: str,
    now: str | None,
    output: Path | None,
    name: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """An intercept: the vessel's position predicted from its last AIS reports for the
    drone's arrival (from home at cruise speed, through the wind), then an orbit or a short
    expanding-square search there; from an alert without AIS, a search where it was seen.
    Missions flying at the same time and place are named as a warning."""
    from dataclasses import replace

    from drone_ops.deconflict import check_upload
    from drone_ops.intercept import plan_intercept
    from surveillance.times import parse_time

    if (alert_id is None) == (mmsi is None):
        raise InputError("give --alert ID or --mmsi N (one of them)")
    setup = setup_from_options(**kw)
    with app.user_store("missions") as store:
        plan = plan_intercept(
            store,
            setup,
            alert_id=alert_id,
            mmsi=mmsi,
            pattern=pattern,
            now=parse_time(now, "--now"),
        )
        if name:
            plan = replace(plan, name=name)
        warnings = check_upload(store, plan, force=True)
    emit_plan(app, plan, output=output, fmt=fmt)
    meta = plan.meta
    if fmt == "table":
        seen = "AIS" if meta["mmsi"] is not None else "the alert"
        out.print(
            f"meets it at   {meta['predicted_lat']:.5f}, {meta['predicted_lon']:.5f} at "
            f"{meta['arrival']}, within {meta['uncertainty_m']:.0f} m ({seen} of "
            f"{meta['from_report']}; {meta['pattern']})",
            markup=False,
            highlight=False,
        )
    for conflict in warnings:
        console.print(f"warning: deconfliction: {conflict.describe()}", markup=False)
