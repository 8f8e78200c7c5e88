"""All rules over a simulated day, against only reading the same positions, and accuracy.

For each fleet size (default 5,000 and 10,000 vessels) it simulates a day on the coast of
Japan, ingests it into a throwaway embedded store, then in the same run measures:
  read only   Store.position_arrays over the day (what the engine reads first)
  all rules   Engine.run over the day: read positions and context, every rule, score,
              write the alerts
and prints precision and recall per rule against the day's ground truth.
Goals (issue #4): all rules under 60 s, no more than 2 x the read alone, and time that
grows with the vessels in proportion (no quadratic step).

    .venv/bin/python bench/rules_speed.py [--vessels 5000 10000] [--seed 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ais_ingest.pipeline import ingest_files
from alerts.cli_watchlist import read_entries
from alerts.engine import Engine, RunStats
from alerts.evaluate import RuleScore, evaluate, truth_window
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store


def simulate(out: Path, vessels: int, seed: int) -> dict[str, object]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "surveillance",
            "simulate",
            "--out",
            str(out),
            "--vessels",
            str(vessels),
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
    )
    return dict(json.loads((out / "truth.json").read_text()))


@dataclass
class Measured:
    vessels: int
    heard: int
    positions: int
    read_s: float
    total_s: float
    stats: RunStats
    scores: list[RuleScore]


def measure(home: Path, port: int, vessels: int, seed: int, work: Path) -> Measured:
    out = work / f"day-{vessels}"
    started = time.perf_counter()
    truth = simulate(out, vessels, seed)
    print(f"[{vessels} vessels] simulated in {time.perf_counter() - started:.0f} s", flush=True)
    settings = load_settings(home=home / str(vessels), embedded_port=port)
    cluster = Cluster(settings)
    try:
        cluster.up()
        with Store.open(settings) as store:
            ingest_files([out / "feed.nmea"], store)
            listed, _ = read_entries(out / "watchlist.csv")
            store.add_watchlist(listed, "bench")
            window = truth_window(truth)
            engine = Engine(settings, store)
            engine.run(window[0], window[0] + timedelta(minutes=1))  # geography loads once
            read_s = []
            for _ in range(2):
                clock = time.perf_counter()
                positions = store.position_arrays(window)
                read_s.append(time.perf_counter() - clock)
            clock = time.perf_counter()
            stats = engine.run(*window)
            total_s = time.perf_counter() - clock
            scores = evaluate(truth, store.alerts_overlapping(window))
    finally:
        cluster.destroy()
    print(f"[{vessels} vessels] measured", flush=True)
    return Measured(vessels, stats.vessels, len(positions), min(read_s), total_s, stats, scores)


def _pair(score: RuleScore) -> str:
    p = "-" if score.precision is None else f"{score.precision:.2f}"
    r = "-" if score.recall is None else f"{score.recall:.2f}"
    return f"{p}/{r} ({score.alerts}a {score.events}e)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, nargs="+", default=[5000, 10000])
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-rules-"))
    try:
        runs = [measure(work / "home", 55497, n, args.seed, work) for n in args.vessels]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'vessels':>8}{'heard':>8}{'positions':>12}{'read s':>9}{'rules s':>9}{'x read':>8}")
    for r in runs:
        print(
            f"{r.vessels:>8}{r.heard:>8,}{r.positions:>12,}{r.read_s:>9.2f}{r.total_s:>9.2f}"
            f"{r.total_s / r.read_s:>8.2f}"
        )
    for r in runs:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in r.stats.seconds.items())
        print(f"  {r.vessels} vessels, seconds: {parts}")
    if len(runs) >= 2:
        a, b = runs[0], runs[-1]
        grow, more = b.total_s / a.total_s, b.positions / a.positions
        print(
            f"scaling: {more:.2f} x the positions took {grow:.2f} x the time "
            f"({grow / more:.2f} per unit of data)"
        )
    print("\nprecision/recall (alerts, events) per rule")
    print(f"{'rule':<20}" + "".join(f"{str(r.vessels) + ' vessels':>24}" for r in runs))
    for k, first in enumerate(runs[0].scores):
        print(f"{first.rule:<20}" + "".join(f"{_pair(r.scores[k]):>24}" for r in runs))
    r = runs[0]
    met = r.total_s < 60 and r.total_s <= 2 * r.read_s
    print(
        f"goal ({r.vessels} vessels: all rules < 60 s and <= 2 x read): "
        + ("met" if met else "MISSED")
    )


if __name__ == "__main__":
    main()
