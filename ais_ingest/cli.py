"""``coastwatch ingest ais``."""

from pathlib import Path

import click

from surveillance.pending import pending

__all__ = ["ingest_ais"]

ingest_ais = pending(
    "ingest ais",
    "the AIS ingest issue (#3)",
    "Load NMEA or CSV AIS from files, a TCP feed or a UDP port.",
    [
        click.Argument(["paths"], nargs=-1, type=click.Path(path_type=Path)),
        click.Option(["--tcp"], metavar="HOST:PORT", help="Follow a TCP feed."),
        click.Option(["--udp"], metavar="PORT", type=int, help="Listen for UDP datagrams."),
    ],
)
