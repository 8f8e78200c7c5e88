"""``coastwatch ingest scene``."""

from pathlib import Path

import click

from surveillance.cli.pending import pending

__all__ = ["ingest_scene"]

ingest_scene = pending(
    "ingest scene",
    "the satellite issue (not filed yet)",
    "Load GeoTIFF/COG scenes and detect vessels in them.",
    [click.Argument(["paths"], nargs=-1, type=click.Path(path_type=Path))],
)
