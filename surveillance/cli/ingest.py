"""``coastwatch ingest``: the group each ingester attaches its command to (``ingest.ais``)."""

import click

__all__ = ["ingest"]


@click.group()
def ingest() -> None:
    """Load AIS, satellite scenes or drone telemetry into the store."""
