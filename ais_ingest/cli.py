"""``coastwatch ingest ais``: NMEA files (plain or gzipped), a TCP feed or a UDP port."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ais_ingest.sources import FeedSource, TcpSource, UdpSource, parse_endpoint
from surveillance.cli.app import AppContext, console, needs, out, pass_app
from surveillance.times import parse_time

if TYPE_CHECKING:
    from surveillance.ingest import IngestStats

__all__ = ["ingest_ais", "print_summary"]


def print_summary(stats: IngestStats) -> None:
    """The end-of-run summary: messages, positions, vessels, rejects by reason, rate."""
    from rich.table import Table

    table = Table(box=None, show_header=False)
    table.add_row("messages", f"{stats.messages:,}")
    table.add_row("positions stored (new)", f"{stats.positions:,}")
    table.add_row("vessels seen", f"{stats.vessels:,}")
    table.add_row("duplicates (several receivers)", f"{stats.counts['duplicates']:,}")
    table.add_row("other NMEA passed over", f"{stats.counts['other_nmea']:,}")
    if stats.counts["time_headers"]:
        table.add_row("time headers ($PGHP) read", f"{stats.counts['time_headers']:,}")
    if stats.counts["spool_full"]:
        table.add_row("lost: the spool was full", f"{stats.counts['spool_full']:,} lines")
    for reason, count in sorted(stats.rejected.items()):
        table.add_row(f"rejected: {reason}", f"{count:,}")
    table.add_row("rate", f"{stats.rate:,.0f} messages/s in {stats.seconds:.1f} s")
    out.print(table)
    if stats.rejected["no_timestamp"]:
        console.print(
            "some lines carry no time: give one with --assume-time (rejected lines are kept "
            "in the quarantine table with their reason)"
        )


@click.command("ais")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--tcp", metavar="HOST:PORT", help="Follow a TCP feed (reconnects on its own).")
@click.option(
    "--udp", metavar="[HOST:]PORT", help="Listen for UDP datagrams (default host 127.0.0.1)."
)
@click.option(
    "--assume-time",
    metavar="ISO8601",
    help="Time for lines that carry none (no tag block, USCG trailer, $PGHP header or "
    "timestamp column): T plus 1 ms a line in file order, so every report keeps its place; "
    "UTC unless it says otherwise.",
)
@click.option("--workers", type=click.IntRange(1, 64), help="Decoding processes (default: cores).")
@pass_app
@needs("sources")
def ingest_ais(
    app: AppContext,
    paths: tuple[Path, ...],
    tcp: str | None,
    udp: str | None,
    assume_time: str | None,
    workers: int | None,
) -> None:
    """Load AIS from NMEA files (plain or .gz), CSV exports, archives of `db archive`
    (.parquet), a TCP feed or a UDP port.

    Bad lines are counted by reason and kept in the quarantine table; loading the same
    file twice stores it once.
    """
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from ais_ingest.live import Follower
    from ais_ingest.pipeline import ingest_files

    chosen = sum(bool(x) for x in (paths, tcp, udp))
    if chosen != 1:
        raise click.UsageError("give files, or --tcp HOST:PORT, or --udp PORT (one of them)")
    if tcp or udp:
        source: FeedSource = (
            TcpSource(*parse_endpoint(tcp))
            if tcp
            else UdpSource(*parse_endpoint(udp or "", "127.0.0.1"))
        )
        with app.open_store() as store:
            console.print(f"following {source.name}; Ctrl-C stores what has arrived and stops")
            stats = Follower(store, source, spool_dir=app.settings.home / "spool").run()
        print_summary(stats)
        return
    assumed = parse_time(assume_time, "--assume-time")
    assume_ts = None if assumed is None else assumed.timestamp()
    with app.open_store() as store:
        columns = (*Progress.get_default_columns()[:-1], DownloadColumn(), TimeRemainingColumn())
        with Progress(*columns, BarColumn(), console=console, transient=True) as bar:
            task = bar.add_task("ingesting AIS", total=None)
            stats = ingest_files(
                list(paths),
                store,
                assume_ts=assume_ts,
                workers=workers,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    print_summary(stats)
