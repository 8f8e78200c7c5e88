"""``coastwatch ingest scene``, ``coastwatch scenes list`` and ``coastwatch detections list``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.times import iso_utc, parse_window, people_utc

if TYPE_CHECKING:
    import geopandas as gpd

    from satellite.ingest import StoredScene
    from surveillance.ingest import IngestStats

__all__ = ["ingest_scene", "scenes", "detections"]

_FORMAT = format_option("A table for people, or the JSON array of the contract (docs/contract.md).")
_SINCE = click.option("--since", metavar="ISO8601", help="Acquired at or after (UTC).")
_UNTIL = click.option("--until", metavar="ISO8601", help="Acquired before (UTC).")


# -- ingest ------------------------------------------------------------------------------


@click.command("scene")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--sensor",
    type=click.Choice(["sar", "optical"]),
    help="What took the scenes (default: from the file: RGB or Sentinel-2 is optical).",
)
@click.option(
    "--time",
    metavar="ISO8601",
    help="Acquisition time; overrides the file's (the summary says so). UTC unless it "
    "says otherwise.",
)
@pass_app
@needs("sources")
def ingest_scene(
    app: AppContext, paths: tuple[Path, ...], sensor: str | None, time: str | None
) -> None:
    """Load satellite scenes: GeoTIFF/COG (affine or GCPs), Sentinel-1 .SAFE folders or
    their .zip, or folders of them; SAR scenes are scanned for ships.

    Every file is checked first: one without a time (and no --time), without
    georeferencing, or not a raster refuses the run and nothing is stored. The same scene
    twice is stored once.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from alerts.matching import MatchSettings
    from satellite.ingest import ingest_scenes

    with app.open_store() as store:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            tasks: dict[Path, Any] = {}

            def progress(path: Path, done: int, total: int) -> None:
                if path not in tasks:
                    tasks[path] = bar.add_task(f"scanning {path.name}", total=total)
                bar.update(tasks[path], completed=done, total=total)

            stats, stored = ingest_scenes(
                paths,
                store,
                sensor=sensor,
                time=time,
                progress=progress,
                matching=app.settings.rules.of(MatchSettings),
            )
    _print_ingest(stored, stats)


def _print_ingest(stored: list[StoredScene], stats: IngestStats) -> None:
    """Per scene: time (and where it came from), footprint, ships found, stored or not."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None)
    for name in (
        "scene",
        "id",
        "time (UTC)",
        "sensor",
        "footprint km²",
        "ships",
        "AIS",
        "dark",
        "",
    ):
        right = name in ("id", "footprint km²", "ships", "AIS", "dark")
        table.add_column(name, justify="right" if right else "left", no_wrap=name != "scene")
    for scene in stored:
        when = people_utc(scene.acquired_at, seconds=True)
        table.add_row(
            escape(scene.path.name),
            str(scene.scene_id),
            when + (" (--time)" if scene.time_source == "--time" else ""),
            scene.sensor,
            f"{scene.area_km2:,.0f}",
            f"{scene.detections:,}" if scene.new else "",
            f"{scene.matched:,}" if scene.new else "",
            f"{scene.dark:,}" if scene.new else "",
            "stored" if scene.new else "already stored",
        )
    out.print(table)
    out.print(
        f"{stats.counts['scenes_stored']} scene(s) stored, "
        f"{stats.counts['scenes_already_stored']} already stored; "
        f"{stats.positions:,} ship detection(s) stored in {stats.seconds:.1f} s"
    )
    if any(s.time_source == "--time" for s in stored):
        console.print("--time overrides the time in the files (kept in the scene's meta)")


# -- scenes and detections ----------------------------------------------------------------


@click.group()
def scenes() -> None:
    """The satellite scenes in the store."""


@scenes.command("list")
@_SINCE
@_UNTIL
@_FORMAT
@pass_app
@needs("map")
def scenes_list(app: AppContext, since: str | None, until: str | None, fmt: str) -> None:
    """Scenes acquired in the window, oldest first."""
    with app.user_store("map") as store:
        found = store.scenes(parse_window(since, until))
    records = [
        _scene_record(row, geom)
        for row, geom in zip(found.to_dict("records"), found.geometry, strict=True)
    ]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    rows = [
        {**r, "mode": mode, "polarisations": pol}
        for r, mode, pol in zip(records, found["mode"], found["polarisations"], strict=True)
    ]
    _print_rows(rows, ("id", "time", "sensor", "mode", "polarisations", "pixel_spacing_m", "path"))


@click.group()
def detections() -> None:
    """Ships found in satellite scenes."""


@detections.command("list")
@click.option("--scene", "scene_id", type=int, metavar="ID", help="Only this scene's ships.")
@_SINCE
@_UNTIL
@_FORMAT
@pass_app
@needs("map")
def detections_list(
    app: AppContext, scene_id: int | None, since: str | None, until: str | None, fmt: str
) -> None:
    """Ships found in the window (of one scene), oldest first. mmsi: the AIS vessel matched
    to the ship (empty when none); dark: empty until AIS matching has run."""
    with app.user_store("map") as store:
        found = store.detections(parse_window(since, until), scene_id=scene_id)
    records = _detection_records(found)
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    _print_rows(
        records, ("id", "scene_id", "time", "lon", "lat", "length_m", "confidence", "mmsi", "dark")
    )


def _scene_record(row: dict[str, Any], footprint: Any) -> dict[str, Any]:
    """A scene as ``scenes list --format json`` prints it (the shape DESIGN.md fixes)."""
    import shapely

    spacing = row["pixel_spacing_m"]
    return {
        "id": int(row["id"]),
        "time": iso_utc(row["acquired_at"]),
        "sensor": row["sensor"],
        "footprint": json.loads(shapely.to_geojson(footprint)),
        "path": row["uri"],
        "pixel_spacing_m": None if spacing is None or spacing != spacing else float(spacing),
    }


def _detection_records(found: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Ships as ``detections list --format json`` prints them (the shape DESIGN.md fixes)."""
    import pandas as pd

    def number(value: Any, digits: int) -> float | None:
        return None if pd.isna(value) else round(float(value), digits)

    return [
        {
            "id": int(row["id"]),
            "scene_id": None if pd.isna(row["scene_id"]) else int(row["scene_id"]),
            "time": iso_utc(row["ts"]),
            "lon": round(float(point.x), 6),
            "lat": round(float(point.y), 6),
            "length_m": number(row["length_m"], 1),
            "confidence": number(row["confidence"], 3),
            "mmsi": None if pd.isna(row["matched_mmsi"]) else int(row["matched_mmsi"]),
            "dark": None if pd.isna(row["dark"]) else bool(row["dark"]),
        }
        for row, point in zip(found.to_dict("records"), found.geometry, strict=True)
    ]


def _print_rows(records: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Records as a table for people: times as people read them, long paths folded."""
    from rich.markup import escape
    from rich.table import Table

    if not records:
        console.print("nothing matches")
        return
    table = Table(box=None)
    for key in keys:
        heading = {"time": "time (UTC)", "pixel_spacing_m": "spacing m"}.get(key, key)
        table.add_column(heading, overflow="fold", no_wrap=key != "path")
    for record in records:
        cells = [people_utc(v, seconds=True) if k == "time" else v for k, v in record.items()]
        shown = dict(zip(record, cells, strict=True))
        table.add_row(*(escape("" if shown[k] is None else str(shown[k])) for k in keys))
    out.print(table)
