"""``coastwatch mission plan survey|expanding-square|sector|patrol``.

Every plan command takes the shared flight options (:mod:`drone_ops.cli_setup`) and ends in
:func:`~drone_ops.cli_setup.emit_plan`: the file is written, the mission stored, its
statistics printed. A plan that breaks a limit is refused (exit 2, one line) before anything
is written or stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from drone_ops.cli_setup import F, emit_plan, flight_options, parse_point, setup_from_options
from surveillance.cli.app import AppContext, needs, pass_app
from surveillance.errors import InputError

__all__ = ["expanding_square", "patrol", "sector", "survey"]


@click.command("survey")
@click.option(
    "--area",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.geojson",
    help="The area: a Polygon or MultiPolygon (or Features of them).",
)
@click.option(
    "--sensor-mm", default="13.2,8.8", show_default=True, metavar="W,H", help="Sensor size."
)
@click.option("--focal-mm", type=float, default=8.8, show_default=True, help="Focal length.")
@click.option(
    "--image-px", default="5472,3648", show_default=True, metavar="W,H", help="Image size."
)
@click.option("--front", type=float, default=70.0, show_default=True, help="Front overlap, %.")
@click.option("--side", type=float, default=70.0, show_default=True, help="Side overlap, %.")
@click.option(
    "--angle",
    type=float,
    default=0.0,
    show_default=True,
    help="Transect bearing, degrees from north.",
)
@click.option(
    "--turnaround",
    type=float,
    default=10.0,
    show_default=True,
    metavar="M",
    help="Run-out beyond each transect end.",
)
@flight_options
@pass_app
@needs("missions")
def survey(
    app: AppContext,
    area: Path,
    sensor_mm: str,
    focal_mm: float,
    image_px: str,
    front: float,
    side: float,
    angle: float,
    turnaround: float,
    output: Path | None,
    name: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """A survey grid (lawnmower) over an area, from the camera, altitude and overlaps."""
    from drone_ops.areas import read_area
    from drone_ops.plan import Camera
    from drone_ops.survey import plan_survey

    sensor_w, sensor_h = _pair(sensor_mm, "--sensor-mm", float)
    image_w, image_h = _pair(image_px, "--image-px", int)
    if focal_mm <= 0:
        raise InputError("--focal-mm must be more than 0")
    camera = Camera("custom", sensor_w, sensor_h, image_w, image_h, focal_mm)
    plan = plan_survey(
        read_area(area),
        setup_from_options(**kw),
        camera=camera,
        front_overlap_pct=front,
        side_overlap_pct=side,
        angle_deg=angle,
        turnaround_m=turnaround,
        name=name or area.stem,
    )
    emit_plan(app, plan, output=output, fmt=fmt)


def _pair(text: str, option: str, kind: Callable[[str], Any]) -> tuple[Any, Any]:
    try:
        first, second = (kind(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"{option} {text!r}: expected two numbers W,H") from None
    if first <= 0 or second <= 0:
        raise InputError(f"{option} {text!r}: both must be more than 0")
    return first, second


def _datum_options(command: F) -> F:
    """The datum a search pattern is laid around, its first leg, the flight options, and
    the gate (a drone operator's command)."""
    decorated: Callable[..., Any] = command
    for option in (
        needs("missions"),
        pass_app,
        flight_options,
        click.option(
            "--first-leg",
            "first_leg_deg",
            type=float,
            default=0.0,
            show_default=True,
            help="Bearing of the first leg.",
        ),
        click.option("--at", "at", required=True, metavar="LAT,LON", help="The datum."),
    ):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]


@click.command("expanding-square")
@click.option(
    "--spacing",
    "spacing_m",
    type=float,
    default=200.0,
    show_default=True,
    metavar="M",
    help="Track spacing.",
)
@click.option(
    "--legs", type=click.IntRange(1, 200), default=12, show_default=True, help="Number of legs."
)
@_datum_options
def expanding_square(
    app: AppContext,
    at: str,
    spacing_m: float,
    legs: int,
    first_leg_deg: float,
    output: Path | None,
    name: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """An IAMSAR expanding square search around a datum."""
    from drone_ops.patterns import plan_expanding_square

    if spacing_m <= 0:
        raise InputError("--spacing must be more than 0")
    plan = plan_expanding_square(
        parse_point(at, "--at"),
        setup_from_options(**kw),
        spacing_m=spacing_m,
        legs=legs,
        first_leg_deg=first_leg_deg,
        name=name or "expanding-square",
    )
    emit_plan(app, plan, output=output, fmt=fmt)


@click.command("sector")
@click.option(
    "--radius",
    "radius_m",
    type=float,
    default=1000.0,
    show_default=True,
    metavar="M",
    help="Search radius (leg length).",
)
@_datum_options
def sector(
    app: AppContext,
    at: str,
    radius_m: float,
    first_leg_deg: float,
    output: Path | None,
    name: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """An IAMSAR sector search (three triangles) around a datum."""
    from drone_ops.patterns import plan_sector

    if radius_m <= 0:
        raise InputError("--radius must be more than 0")
    plan = plan_sector(
        parse_point(at, "--at"),
        setup_from_options(**kw),
        radius_m=radius_m,
        first_leg_deg=first_leg_deg,
        name=name or "sector",
    )
    emit_plan(app, plan, output=output, fmt=fmt)


@click.command("patrol")
@click.option(
    "--from", "start", required=True, metavar="LAT,LON", help="Near where the patrol starts."
)
@click.option("--to", "end", required=True, metavar="LAT,LON", help="Near where it ends.")
@click.option(
    "--offset",
    "offset_m",
    type=float,
    default=500.0,
    show_default=True,
    metavar="M",
    help="Distance out to sea from the coast.",
)
@click.option(
    "--there-and-back/--one-way",
    default=False,
    show_default=True,
    help="Fly back along the coast, or go home from the end.",
)
@flight_options
@pass_app
@needs("missions")
def patrol(
    app: AppContext,
    start: str,
    end: str,
    offset_m: float,
    there_and_back: bool,
    output: Path | None,
    name: str | None,
    fmt: str,
    **kw: Any,
) -> None:
    """A patrol along the reference coast between two points, a set distance out to sea."""
    from drone_ops.patrol import plan_patrol

    plan = plan_patrol(
        parse_point(start, "--from"),
        parse_point(end, "--to"),
        setup_from_options(**kw),
        offset_m=offset_m,
        there_and_back=there_and_back,
        name=name or "patrol",
    )
    emit_plan(app, plan, output=output, fmt=fmt)
