"""``coastwatch mission`` and its ``plan`` group (``coastwatch ingest drone`` is the ingest
side's, ``drone_ops/telemetry/cli.py``).

The commands themselves live beside what they drive (``cli_plan.py``, ``cli_link.py``, ...)
and attach to these groups through their dotted entry-point names in ``pyproject.toml``
(``mission.plan.survey``), so each loads only what it needs.
"""

import click

__all__ = ["mission", "plan"]


@click.group()
def mission() -> None:
    """Plan drone missions, write them as files, upload, download and start them over
    MAVLink, and record what the drone saw."""


@mission.group()
def plan() -> None:
    """Plan a mission (survey, expanding-square, sector, intercept, patrol) and write it
    (-o FILE: .plan, .waypoints, .geojson, .kml)."""
