"""What every ``coastwatch mission plan ...`` command shares: :func:`flight_options` (home,
altitude, speed, endurance, limits, start, wind, no-fly files, output, name, format), the
setup made of them (:func:`setup_from_options`), and :func:`emit_plan`: the file written, the
mission stored, its statistics printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from surveillance.cli.app import AppContext, format_option, out
from surveillance.errors import InputError
from surveillance.times import parse_time

if TYPE_CHECKING:
    from drone_ops.plan import FlightSetup, Plan, Point

__all__ = ["F", "emit_plan", "flight_options", "parse_point", "setup_from_options"]

F = TypeVar("F", bound=Callable[..., Any])

_FORMAT = format_option("Lines for people, or one JSON object.")

#: the flight options that must be more than 0, by their keyword
_POSITIVE = {
    "altitude_m": "--altitude",
    "speed_mps": "--speed",
    "battery_min": "--battery-min",
    "max_range_m": "--max-range",
}


def _number(flag: str, dest: str, default: float | None, metavar: str, text: str) -> Any:
    return click.option(
        flag,
        dest,
        type=float,
        default=default,
        show_default=default is not None,
        metavar=metavar,
        help=text,
    )


def flight_options(command: F) -> F:
    """The options every plan command takes; :func:`setup_from_options` makes them a setup."""
    path = click.Path(path_type=Path, dir_okay=False)
    options = [
        click.option(
            "--home", required=True, metavar="LAT,LON[,ALT]", help="Launch point (ALT: m ASL)."
        ),
        _number("--altitude", "altitude_m", 60.0, "M", "Flight altitude above home."),
        _number("--speed", "speed_mps", 15.0, "MPS", "Cruise airspeed."),
        _number("--battery-min", "battery_min", 25.0, "MIN", "Battery minutes at cruise."),
        _number("--reserve-min", "reserve_min", 5.0, "MIN", "Minutes kept for the way back."),
        _number("--min-alt", "min_alt_m", 10.0, "M", "Lowest altitude allowed."),
        _number("--max-alt", "max_alt_m", 120.0, "M", "Highest altitude allowed."),
        _number("--max-range", "max_range_m", None, "M", "Farthest from home (the radio link)."),
        click.option("--start", metavar="ISO8601", help="Planned start (UTC unless offset)."),
        click.option("--wind", metavar="FROM_DEG@MPS", help="The wind: 270@8 is west, 8 m/s."),
        click.option(
            "--no-fly",
            multiple=True,
            type=path,
            metavar="FILE.geojson",
            help="No-fly polygons (repeatable), beside setting drone_no_fly's; airports added.",
        ),
        click.option(
            "-o",
            "--output",
            type=path,
            metavar="FILE",
            help="Write the plan (.plan and the formats drone_ops.files knows).",
        ),
        click.option("--name", help="The mission's name."),
        _FORMAT,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def parse_point(text: str, option: str, *, altitude: bool = False) -> Point:
    """``LAT,LON`` (``LAT,LON,ALT`` when ``altitude``) as a :class:`Point`, checked."""
    from drone_ops.plan import Point

    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in ((2, 3) if altitude else (2,)):
        raise InputError(
            f"{option} {text!r}: expected LAT,LON{'[,ALT]' if altitude else ''} in degrees"
        )
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{option} {text!r}: latitude or longitude out of range")
    return Point(lat, lon, numbers[2] if len(numbers) == 3 else 0.0)


def _wind(text: str | None) -> tuple[float | None, float]:
    if text is None:
        return None, 0.0
    try:
        from_deg, mps = (float(v) for v in text.split("@"))
    except ValueError:
        raise InputError(f"--wind {text!r}: expected FROM_DEG@MPS, e.g. 270@8") from None
    if not (0 <= from_deg <= 360 and mps >= 0):
        raise InputError(f"--wind {text!r}: direction 0..360 degrees, speed at least 0")
    return from_deg % 360.0, mps


def setup_from_options(**kw: Any) -> FlightSetup:
    """The :class:`FlightSetup` the :func:`flight_options` describe (other keys are ignored)."""
    from drone_ops.areas import read_no_fly
    from drone_ops.plan import FlightSetup, Limits

    for key, flag in _POSITIVE.items():
        if kw.get(key) is not None and kw[key] <= 0:
            raise InputError(f"{flag} {kw[key]:g} must be more than 0")
    if not 0 <= kw["reserve_min"] < kw["battery_min"]:
        raise InputError("--reserve-min must be at least 0 and less than --battery-min")
    if not 0 <= kw["min_alt_m"] <= kw["max_alt_m"]:
        raise InputError("--min-alt must be at least 0 and at most --max-alt")
    wind_from_deg, wind_mps = _wind(kw.get("wind"))
    return FlightSetup(
        home=parse_point(kw["home"], "--home", altitude=True),
        altitude_m=kw["altitude_m"],
        cruise_speed_mps=kw["speed_mps"],
        limits=Limits(
            min_alt_m=kw["min_alt_m"],
            max_alt_m=kw["max_alt_m"],
            endurance_min=kw["battery_min"],
            reserve_min=kw["reserve_min"],
            max_range_m=kw.get("max_range_m"),
        ),
        planned_start=parse_time(kw.get("start"), "--start"),
        wind_from_deg=wind_from_deg,
        wind_mps=wind_mps,
        no_fly=tuple(z for path in _no_fly_files(kw) for z in read_no_fly(path)),
    )


def _no_fly_files(kw: dict[str, Any]) -> list[Path]:
    """The setting ``drone_no_fly``'s files (when a command runs), then ``--no-fly``'s."""
    context = click.get_current_context(silent=True)
    app = None if context is None else context.find_object(AppContext)
    configured = [] if app is None else list(app.settings.drone_no_fly)
    return configured + list(kw.get("no_fly") or ())


def emit_plan(app: AppContext, plan: Plan, *, output: Path | None, fmt: str) -> int:
    """Write ``plan`` to ``output`` (if given), store it, print its statistics; its id."""
    from drone_ops.files import write_plan
    from drone_ops.records import mission_record

    if output is not None:
        write_plan(plan, output)  # first, so a path that cannot be written stores nothing
    with app.user_store("missions") as store:
        mission_id = store.store_mission(mission_record(plan, created_by=app.actor))
    if output is not None:  # again with its id, so `mission upload FILE` knows it is stored
        write_plan(replace(plan, meta={**plan.meta, "mission_id": mission_id}), output)
    stats = plan.stats
    assert stats is not None  # finish_plan sets them
    facts = {
        "id": mission_id,
        "name": plan.name,
        "kind": plan.kind,
        "area_m2": round(stats.area_m2, 1),
        "distance_m": round(stats.distance_m, 1),
        "flight_time_s": round(stats.flight_time_s, 1),
        "photo_count": stats.photo_count,
        "gsd_cm": None if stats.gsd_cm is None else round(stats.gsd_cm, 2),
        "items": stats.items,
        "no_fly_zones": len(plan.fence.polygons) + len(plan.fence.circles),
        "file": None if output is None else str(output),
    }
    if fmt == "json":
        click.echo(json.dumps(facts))
        return mission_id
    minutes, seconds = divmod(round(stats.flight_time_s), 60)
    lines = [
        f"mission {mission_id} ({plan.kind}) {plan.name}",
        f"area          {stats.area_m2 / 1e6:.3f} km2",
        f"distance      {stats.distance_m / 1000:.2f} km",
        f"flight time   {minutes} min {seconds:02d} s",
        f"photos        {stats.photo_count}",
        f"GSD           {'-' if stats.gsd_cm is None else f'{stats.gsd_cm:.2f} cm/px'}",
        f"items         {stats.items}",
        f"no-fly zones  {facts['no_fly_zones']}",
    ]
    if output is not None:
        lines.append(f"written       {output}")
    for line in lines:
        out.print(line, markup=False, highlight=False)
    return mission_id
