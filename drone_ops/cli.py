"""``coastwatch mission`` and its ``plan`` group; ``coastwatch ingest drone``.

The commands themselves live beside what they drive (``cli_plan.py``, ``cli_link.py``, ...)
and attach to these groups through their dotted entry-point names in ``pyproject.toml``
(``mission.plan.survey``), so each loads only what it needs.
"""

from pathlib import Path

import click

from surveillance.cli.pending import pending

__all__ = ["ingest_drone", "mission", "plan"]


@click.group()
def mission() -> None:
    """Plan drone missions, write them as files, upload, download and start them over
    MAVLink, and record what the drone saw."""


@mission.group()
def plan() -> None:
    """Plan a mission (survey, expanding-square, sector, intercept, patrol) and write it
    (-o FILE: .plan, .waypoints, .geojson, .kml)."""


ingest_drone = pending(
    "ingest drone",
    "the drone operations issue",
    "Load MAVLink telemetry from logs or a live connection.",
    [
        click.Argument(["paths"], nargs=-1, type=click.Path(path_type=Path)),
        click.Option(["--connect"], metavar="URL", help="A MAVLink connection (udp:, tcp:)."),
    ],
)
