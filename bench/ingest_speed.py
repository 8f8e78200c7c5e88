"""AIS ingest speed, end to end, against a pyais decode loop over the same file.

Builds a 1,000,000-message NMEA file (5,000 vessels over one day, tag-block times, Class A
and B reports, two-sentence static messages, 5 % heard twice by a second receiver), then
in the same run measures:
  baseline    pyais.FileReaderStream + decode(), one core (decode only, nothing stored)
  end to end  coastwatch ingest: frame, decode, validate, load into the indexed store
Goal (issue #3): end to end >= 1.6 x baseline.

    .venv/bin/python bench/ingest_speed.py [--messages N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyais
from pyais.encode import encode_dict

from ais_ingest.encode import encode_positions, tag_blocks
from ais_ingest.pipeline import ingest_files
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store

DAY_S = 1_764_115_200  # 2025-11-26T00:00Z


def build_feed(path: Path, messages: int, vessels: int = 5000, seed: int = 1) -> int:
    """Write the benchmark feed; returns the number of AIS messages in it."""
    rng = np.random.default_rng(seed)
    statics = messages // 25
    reports = messages - statics
    # each vessel reports at its own steady interval, as AIS transponders do
    per_vessel = reports // vessels
    interval = 86_000 / per_vessel
    mmsi = 431_000_000 + np.repeat(np.arange(vessels), per_vessel)
    ts = DAY_S + rng.uniform(0, interval, vessels).repeat(per_vessel)
    ts += np.tile(np.arange(per_vessel) * interval, vessels) + rng.uniform(0, 1, len(ts))
    order = np.argsort(ts, kind="stable")
    mmsi, ts = mmsi[order], ts[order]
    reports = len(ts)
    msg_type = np.where(mmsi % 5 == 0, 18, rng.choice([1, 3], reports))
    lines = encode_positions(
        msg_type,
        mmsi,
        129 + rng.uniform(0, 3, reports),
        33 + rng.uniform(0, 2, reports),
        rng.uniform(0, 20, reports),
        rng.uniform(0, 359, reports),
        rng.integers(0, 360, reports).astype(float),
        (ts % 60).astype(int),
        np.zeros(reports, dtype=int),
    )
    heard_twice = rng.random(reports) < 0.05
    when = np.concatenate([ts, ts[heard_twice] + 0.3])
    tags = tag_blocks(ts) + tag_blocks(ts[heard_twice] + 0.3, b"rx2")
    body = lines + [line for line, twice in zip(lines, heard_twice, strict=True) if twice]
    timed = [(t, tag + line) for t, tag, line in zip(when, tags, body, strict=True)]
    static_ts = rng.uniform(DAY_S, DAY_S + 86_399, statics)
    for k, moment in enumerate(static_ts):
        vessel = 431_000_000 + k % vessels  # each vessel repeats its own static data
        parts = encode_dict(
            {
                "type": 5,
                "mmsi": vessel,
                "shipname": f"MARU {vessel % 10000}",
                "callsign": f"JA{vessel % 10000}",
                "ship_type": 70,
                "to_bow": 90,
                "to_stern": 20,
                "to_port": 8,
                "to_starboard": 8,
                "draught": 6.1,
                "destination": "HAKATA",
            },
            talker_id="AI",
            sentence_type="VDM",
            seq_id=vessel % 10,
        )
        (tag,) = tag_blocks(np.array([moment]))
        timed.append((moment, tag + parts[0].encode() + b"\n" + parts[1].encode()))
    timed.sort(key=lambda pair: pair[0])
    out = [line for _, line in timed]
    path.write_bytes(b"\n".join(out) + b"\n")
    return len(timed)


def pyais_loop(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    count = 0
    for message in pyais.FileReaderStream(str(path)):
        message.decode()
        count += 1
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-ais-"))
    settings = load_settings(home=work / "home", embedded_port=55498)
    cluster = Cluster(settings)
    try:
        feed = work / "feed.nmea"
        started = time.perf_counter()
        messages = build_feed(feed, args.messages)
        print(
            f"feed: {messages:,} messages, {feed.stat().st_size / 1e6:.0f} MB, "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        base_s, base_count = pyais_loop(feed)
        cluster.up()
        with Store.open(settings) as store:
            stats = ingest_files([feed], store)
            rows = store.table_counts()["ais_positions"]
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    base_rate = base_count / base_s
    e2e_rate = stats.messages / stats.seconds
    print(f"{'':<12}{'messages':>12}{'seconds':>10}{'msg/s':>12}{'x baseline':>12}")
    print(f"{'baseline':<12}{base_count:>12,}{base_s:>10.2f}{base_rate:>12,.0f}{1:>12.2f}")
    print(
        f"{'end to end':<12}{stats.messages:>12,}{stats.seconds:>10.2f}{e2e_rate:>12,.0f}"
        f"{e2e_rate / base_rate:>12.2f}"
    )
    print(
        f"stored {rows:,} positions ({stats.counts['duplicates']:,} duplicates dropped), "
        f"rejected {sum(stats.rejected.values()):,}; goal >= 1.6 x baseline: "
        + ("met" if e2e_rate >= 1.6 * base_rate else "MISSED")
    )


if __name__ == "__main__":
    main()
