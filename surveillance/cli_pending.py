"""The core's own commands that later issues fill in: ``simulate`` and ``report``."""

from __future__ import annotations

from pathlib import Path

import click

from surveillance.pending import pending

__all__ = ["simulate", "report"]

simulate = pending(
    "simulate",
    "the AIS ingest and simulator issue (#3)",
    "Write a scenario (NMEA files and truth.json) on the real coastline.",
    [
        click.Option(["--out", "out_dir"], type=click.Path(path_type=Path), required=True),
        click.Option(["--seed"], type=int, default=0, show_default=True),
    ],
)

report = pending(
    "report",
    "the dashboard and reports issue (#5)",
    "Export an area and time window as GeoPackage, GeoJSON, KML, CSV or a PDF brief.",
    [
        click.Option(["--since"], required=True, help="ISO 8601 UTC"),
        click.Option(["--until"], required=True, help="ISO 8601 UTC"),
        click.Option(["--bbox"], help="west,south,east,north in degrees"),
        click.Option(
            ["--format", "fmt"], type=click.Choice(["gpkg", "geojson", "kml", "csv", "pdf"])
        ),
        click.Option(["-o", "output"], type=click.Path(path_type=Path), required=True),
    ],
)
