"""The core's own commands that later issues fill in: ``report``."""

from __future__ import annotations

from pathlib import Path

import click

from surveillance.pending import pending

__all__ = ["report"]

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
