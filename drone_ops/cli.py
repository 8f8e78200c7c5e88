"""``coastwatch ingest drone`` and ``coastwatch mission``."""

from pathlib import Path

import click

from surveillance.cli.pending import pending, pending_group

__all__ = ["ingest_drone", "mission"]

_ISSUE = "the drone operations issue (not filed yet)"

ingest_drone = pending(
    "ingest drone",
    _ISSUE,
    "Load MAVLink telemetry from logs or a live connection.",
    [
        click.Argument(["paths"], nargs=-1, type=click.Path(path_type=Path)),
        click.Option(["--connect"], metavar="URL", help="A MAVLink connection (udp:, tcp:)."),
    ],
)

mission = pending_group(
    "mission",
    "Plan, export and upload drone missions.",
    [
        pending("mission plan", _ISSUE, "Plan a survey or intercept mission."),
        pending("mission export", _ISSUE, "Export a mission (QGC plan, KML)."),
        pending("mission upload", _ISSUE, "Upload a mission to a drone over MAVLink."),
    ],
)
