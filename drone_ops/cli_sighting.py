"""``coastwatch mission sighting``: record what the drone saw, and say what AIS makes of it."""

from __future__ import annotations

from pathlib import Path

import click

from surveillance.cli.app import AppContext, needs, out, pass_app
from surveillance.errors import InputError

__all__ = ["sighting"]


def _lat_lon(text: str) -> tuple[float, float]:
    """``LAT,LON`` in degrees."""
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise InputError(f"--at {text!r}: give LAT,LON in degrees (34.2,129.3)") from None
    return lat, lon


@click.command("sighting")
@click.option("--at", "where", required=True, metavar="LAT,LON", help="Where the vessel was.")
@click.option("--time", metavar="ISO8601", help="When it was seen (default: now; UTC).")
@click.option("--mmsi", type=int, help="Its MMSI, if the operator could read it.")
@click.option("--length", "length_m", type=float, metavar="M", help="Its length in metres.")
@click.option("--heading", "heading_deg", type=float, metavar="DEG", help="Its heading.")
@click.option(
    "--photo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A photo of it (JPEG or PNG).",
)
@click.option("--note", help="What the operator saw (kept as plain text).")
@click.option("--alert", "alert_id", metavar="ID", help="The alert it answers (or its prefix).")
@click.option("--mission", "mission_id", type=int, metavar="ID", help="The mission it was on.")
@click.option("--drone", "drone_id", metavar="NAME", help="The drone that saw it.")
@pass_app
@needs("missions")
def sighting(
    app: AppContext,
    where: str,
    time: str | None,
    mmsi: int | None,
    length_m: float | None,
    heading_deg: float | None,
    photo: Path | None,
    note: str | None,
    alert_id: str | None,
    mission_id: int | None,
    drone_id: str | None,
) -> None:
    """Record a vessel seen from a drone, as a drone detection that the dark_vessel and
    dark_rendezvous rules use; it is matched against AIS at once (prints the MMSI it was
    matched to, or dark) and, with --alert, attached to that alert as evidence."""
    from datetime import UTC, datetime

    from rich.markup import escape

    from alerts.matching import MatchSettings
    from drone_ops.sightings import Sighting, report_sighting
    from surveillance.times import parse_time
    from surveillance.uploads import read_file

    lat, lon = _lat_lon(where)
    data = None if photo is None else read_file(photo, "photo")
    seen = Sighting(
        lon=lon,
        lat=lat,
        ts=parse_time(time, "--time") or datetime.now(UTC),
        mmsi=mmsi,
        length_m=length_m,
        heading_deg=heading_deg,
        note=note,
        photo=data,
        photo_name=None if photo is None else photo.name,
        alert_id=alert_id,
        mission_id=mission_id,
        drone_id=drone_id,
        reported_by=app.actor,
    )
    with app.user_store("missions") as store:
        done = report_sighting(store, seen, settings=app.settings.rules.of(MatchSettings))
    stored = "stored" if done.new else "stored already (the same report)"
    out.print(f"sighting {done.detection_id} {stored}")
    off = "" if done.distance_m is None else f", {done.distance_m:.0f} m from its AIS position"
    if mmsi is not None:
        out.print(f"identified by the operator as MMSI {mmsi}{off}")
    elif done.matched_mmsi is not None:
        out.print(f"matched to MMSI {done.matched_mmsi}{off}")
    elif done.dark:
        out.print("dark: no AIS vessel could have been there")
    else:
        out.print("not matched to AIS (a vessel near could be it; not dark)")
    if done.alert_id is not None:
        out.print(f"attached to alert {escape(done.alert_id)}")
