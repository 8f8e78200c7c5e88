"""``coastwatch ingest drone``: MAVLink telemetry from ``.tlog`` files or a live link."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from surveillance.cli.app import AppContext, console, needs, out, pass_app

if TYPE_CHECKING:
    from surveillance.ingest import IngestStats

__all__ = ["ingest_drone", "parse_names"]


def parse_names(pairs: tuple[str, ...]) -> dict[int, str]:
    """``--name 1=alpha`` options as {system id: drone id}."""
    names: dict[int, str] = {}
    for pair in pairs:
        system_id, _, name = pair.partition("=")
        if not system_id.strip().isdigit() or not 0 < int(system_id) < 256 or not name.strip():
            raise click.BadParameter(
                f"expected SYSID=NAME (1-255), got {pair!r}", param_hint="--name"
            )
        names[int(system_id)] = name.strip()[:64]
    return names


def _logs(paths: tuple[Path, ...]) -> list[Path]:
    """The files named, a folder standing for the ``.tlog`` files in it."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.tlog")) if path.is_dir() else [path]
    return found


def print_summary(stats: IngestStats, reconnects: int | None) -> None:
    """The end-of-run summary: messages, samples stored, vehicles, rejects by reason."""
    from rich.table import Table

    table = Table(box=None, show_header=False)
    table.add_row("messages", f"{stats.messages:,}")
    table.add_row("drone samples stored (new)", f"{stats.positions:,}")
    table.add_row("vehicles", f"{stats.vessels:,}")
    if stats.counts["not_vehicle_heartbeats"]:
        table.add_row(
            "ground station heartbeats passed over", f"{stats.counts['not_vehicle_heartbeats']:,}"
        )
    for reason, count in sorted(stats.rejected.items()):
        table.add_row(f"rejected: {reason}", f"{count:,}")
    if reconnects is not None:
        table.add_row("reconnects", f"{reconnects:,}")
    table.add_row("rate", f"{stats.rate:,.0f} messages/s in {stats.seconds:.1f} s")
    out.print(table)


@click.command("drone")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--connect",
    metavar="URL",
    help="A live MAVLink link: udpin:HOST:PORT (listen), udpout:HOST:PORT, tcp:HOST:PORT, "
    "/dev/DEVICE:BAUD; reconnects when it drops.",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Stop a live link after S seconds (default: at Ctrl-C).",
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="SYSID=NAME",
    help="Call the vehicle of a system id NAME (default mav<SYSID>); repeatable.",
)
@pass_app
@needs("sources")
def ingest_drone(
    app: AppContext,
    paths: tuple[Path, ...],
    connect: str | None,
    duration: float | None,
    names: tuple[str, ...],
) -> None:
    """Load MAVLink telemetry from .tlog files (or folders of them) or a live link into
    drone_telemetry: one sample per GLOBAL_POSITION_INT with the vehicle's mode, arming,
    battery and mission progress; several vehicles at once, by system id.

    Bad packets (junk, CRC errors, unknown ids) and impossible positions are counted by
    reason and kept in the quarantine table; loading the same log twice stores it once.
    """
    from drone_ops.telemetry.parse import TelemetryBatch, TelemetryParse
    from drone_ops.telemetry.sources import Chunk, LiveLink, TlogFiles
    from drone_ops.telemetry.writer import TelemetryWriter
    from surveillance.ingest import Source, run

    if bool(paths) == bool(connect):
        raise click.UsageError("give .tlog files, or --connect URL (one of them)")
    if connect and connect.startswith("tcpin:"):
        raise click.UsageError("ingest drone listens with udpin:, or connects with udpout:/tcp:")
    if duration is not None and not connect:
        raise click.UsageError("--duration is for a live link (--connect)")
    parse = TelemetryParse(parse_names(names))
    source: Source[Chunk]
    live: LiveLink | None = None
    if connect:
        source = live = LiveLink(connect, duration_s=duration)
    else:
        source = TlogFiles(_logs(paths))

    def progress(batch: TelemetryBatch, new: int) -> None:
        if live is not None and new:
            console.print(f"{new} samples stored ({live.reconnects} reconnects)")

    with app.open_store() as store:
        writer = TelemetryWriter(store, source.name, on_batch=progress)
        if live is not None:
            until = f"for {duration:g} s" if duration else "until Ctrl-C"
            console.print(f"following {connect} {until}")
        stats = run(source, parse, writer)
    print_summary(stats, None if live is None else live.reconnects)
