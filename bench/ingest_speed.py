"""AIS ingest speed, end to end, for several file shapes, each against a baseline
measured over the same file in the same run.

Shapes (NMEA feeds with tag-block times, Class A and B reports, type 5 statics each vessel
repeats word for word, 5 % of reports heard twice; see bench/ais_feeds.py):
  day        1 day of 5,000 vessels, 4 % type 5
  month      30 days of 200 vessels, 4 % type 5
  statics    1 day of 1,000 vessels, 10 % type 5
  archive    18 days of 55 vessels, statics every 6 minutes (25 % type 5; issue #10's file)
  csv        a MarineCadastre-shaped CSV export (one day of 2,000 vessels)
Baselines: NMEA against pyais.FileReaderStream + decode(), one core, decode only; the CSV
against a csv-module loop that parses each row's numbers and time (nothing stored).
End to end is what `coastwatch ingest ais FILE` does: frame, decode, validate, load into
the store, index. Each shape loads into a fresh database. Goal (issue #10): >= 2.5 x.

    .venv/bin/python bench/ingest_speed.py [--messages N] [--csv-rows N] [--shapes a,b]
    .venv/bin/python bench/ingest_speed.py --shapes month --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import psycopg
import pyais
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).parent))
from ais_feeds import Shape, write_feed, write_marinecadastre  # noqa: E402

from ais_ingest.pipeline import ingest_files  # noqa: E402
from surveillance import schema  # noqa: E402
from surveillance.embedded import Cluster  # noqa: E402
from surveillance.ingest import IngestStats  # noqa: E402
from surveillance.settings import load_settings  # noqa: E402
from surveillance.store import Store  # noqa: E402

GOAL = 2.5
SHAPES: dict[str, Callable[[int], Shape]] = {
    "day": lambda n: Shape("1 day, 5,000 vessels", n, 5000, 1),
    "month": lambda n: Shape("30 days, 200 vessels", n, 200, 30),
    "statics": lambda n: Shape("10 % type 5", n, 1000, 1, 0.10),
    "archive": lambda n: Shape("18 days, 55 vessels", n, 55, 18, 0.255),
}


def pyais_loop(path: Path) -> tuple[float, int]:
    """Seconds and messages of a single-core pyais decode of the file."""
    started = time.perf_counter()
    count = 0
    for message in pyais.FileReaderStream(str(path)):
        message.decode()
        count += 1
    return time.perf_counter() - started, count


def csv_loop(path: Path) -> tuple[float, int]:
    """Seconds and rows of a csv-module loop that parses each row's numbers and time."""
    started = time.perf_counter()
    count = 0
    with open(path, newline="") as stream:
        rows = csv.reader(stream)
        next(rows)
        for row in rows:
            int(row[0]), datetime.fromisoformat(row[1])
            float(row[2]), float(row[3]), float(row[4]), float(row[5]), int(row[6])
            count += 1
    return time.perf_counter() - started, count


class Databases:
    """A fresh, migrated database per measurement, on one throwaway cluster."""

    def __init__(self, work: Path) -> None:
        self.cluster = Cluster(load_settings(home=work / "home", embedded_port=55498))
        self.url = self.cluster.up()
        self.count = 0

    def fresh(self) -> Store:
        self.count += 1
        name = f"bench_{self.count}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = self.url.replace("/coastwatch?", f"/{name}?", 1)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        schema.upgrade(engine)
        return Store(engine)

    def destroy(self) -> None:
        self.cluster.destroy()


def measure(
    databases: Databases, label: str, feed: Path, baseline: Callable[[Path], tuple[float, int]]
) -> tuple[str, float, int, IngestStats]:
    base_s, base_count = baseline(feed)
    store = databases.fresh()
    try:
        stats = ingest_files([feed], store)
    finally:
        store.close()
    feed.unlink()
    return label, base_count / base_s, base_count, stats


def report(rows: list[tuple[str, float, int, IngestStats]], baseline_name: str) -> None:
    print(
        f"{'shape':<24}{'messages':>11}{'seconds':>9}{'msg/s':>11}"
        f"{baseline_name + ' msg/s':>18}{'x':>7}{'us/msg':>8}"
    )
    for label, base_rate, _, stats in rows:
        ratio = stats.rate / base_rate
        print(
            f"{label:<24}{stats.messages:>11,}{stats.seconds:>9.1f}{stats.rate:>11,.0f}"
            f"{base_rate:>18,.0f}{ratio:>7.2f}{1e6 / stats.rate:>8.1f}"
            + ("" if ratio >= GOAL else "  below goal")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--messages", type=int, default=300_000, help="per NMEA shape")
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--shapes", default="day,month,statics,csv", help="of: %(default)s,archive")
    parser.add_argument("--sizes", default="", help="messages, comma-separated: a scaling run")
    args = parser.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] or [args.messages]
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-ais-"))
    databases = Databases(work)
    nmea_rows, csv_rows = [], []
    try:
        for key in shapes:
            if key == "csv":
                feed = work / "export.csv"
                write_marinecadastre(feed, args.csv_rows)
                csv_rows.append(measure(databases, "MarineCadastre CSV", feed, csv_loop))
                continue
            for size in sizes:
                shape = SHAPES[key](size)
                feed = work / f"{key}.nmea"
                write_feed(feed, shape)
                nmea_rows.append(measure(databases, shape.name, feed, pyais_loop))
    finally:
        databases.destroy()
        shutil.rmtree(work, ignore_errors=True)
    if nmea_rows:
        report(nmea_rows, "pyais")
    if csv_rows:
        report(csv_rows, "csv loop")
    print(f"goal: end to end >= {GOAL} x the baseline over the same file, measured above")


if __name__ == "__main__":
    main()
