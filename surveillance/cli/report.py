"""``coastwatch report``: the alerts of an area and a time window as a file.

The work is :func:`surveillance.report.export.export`, which the dashboard's downloads share.
"""

from __future__ import annotations

from pathlib import Path

import click

from surveillance.alert_types import alert_types
from surveillance.cli.app import AppContext, needs, out, pass_app, step
from surveillance.errors import InputError
from surveillance.report.formats import FORMAT_TITLES, FORMATS, SUFFIX_FORMATS
from surveillance.times import parse_time

__all__ = ["report"]


@click.command()
@click.option("--since", required=True, metavar="T", help="Start of the window, ISO 8601 (UTC).")
@click.option("--until", required=True, metavar="T", help="End of the window, ISO 8601 (UTC).")
@click.option("--bbox", metavar="W,S,E,N", help="The area as a box: west,south,east,north.")
@click.option(
    "--area",
    "area_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.geojson",
    help="The area as a GeoJSON Polygon or MultiPolygon (or Feature(Collection) of them).",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(alert_types()),
    metavar="T",
    help="Only alerts of this type (repeat for more; default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="File format (default: from the suffix of FILE).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Where to write the report.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_app
@needs("reports")
def report(
    app: AppContext,
    since: str,
    until: str,
    bbox: str | None,
    area_file: Path | None,
    types: tuple[str, ...],
    fmt: str | None,
    output: Path,
    force: bool,
) -> None:
    """Export the alerts of an area and time window as GeoPackage, GeoJSON, KML, CSV or a
    PDF brief (a map, a summary and the alerts table).

    The report holds the alerts going on at some time in the window (open ones included)
    that touch the area (everywhere when no --bbox or --area is given). Each export is
    recorded with who made it (the acting user, an analyst). Times without a zone are UTC.
    """
    from rich.markup import escape

    from surveillance.report.area import parse_area
    from surveillance.report.export import export
    from surveillance.report.request import ReportRequest

    fmt = fmt or _format_of(output)
    if output.exists() and not force:
        raise InputError(f"{output} exists", hint="give --force to overwrite it")
    if not output.parent.is_dir():
        raise InputError(f"no folder {output.parent} to write {output.name} in")
    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if start >= end:
        raise InputError("--since must be before --until")
    if bbox is not None and area_file is not None:
        raise InputError("give --bbox or --area, not both")
    area = parse_area(bbox=bbox, geojson=None if area_file is None else _read(area_file))
    request = ReportRequest(since=start, until=end, area=area, types=types)
    with app.user_store("reports") as store, step(f"writing the {FORMAT_TITLES[fmt]}"):
        data, count = export(store, request, fmt, app.actor)
    _write(output, data, force=force)
    out.print(
        f"{count} alert{'' if count == 1 else 's'} -> {escape(str(output))} "
        f"({FORMAT_TITLES[fmt]}, {_size(len(data))})"
    )


def _format_of(output: Path) -> str:
    fmt = SUFFIX_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the format from the name {output.name!r}",
            hint=f"give --format ({'|'.join(FORMATS)}) or a suffix: {', '.join(SUFFIX_FORMATS)}",
        )
    return fmt


def _read(path: Path) -> bytes:
    from surveillance.uploads import read_file

    return read_file(path, "geojson")


def _write(output: Path, data: bytes, *, force: bool) -> None:
    try:
        with output.open("wb" if force else "xb") as file:  # x: never overwrite by accident
            file.write(data)
    except FileExistsError:
        raise InputError(f"{output} exists", hint="give --force to overwrite it") from None
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None


def _size(nbytes: int) -> str:
    if nbytes < 1000:
        return f"{nbytes} B"
    if nbytes < 1_000_000:
        return f"{nbytes / 1000:.1f} kB"
    return f"{nbytes / 1_000_000:.1f} MB"
