"""How quickly the command line answers ``--help``: the root's and a few subcommands'.

Each command runs as its own process (as a person types it), N times; printed: the median
wall time of each beside the baseline measured in the same run (a Python that imports click
and nothing else), with the ratio. Goal (issue #9): every ``--help`` under 0.3 s.

    .venv/bin/python bench/cli_help.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_S = 0.3
COMMANDS = [
    [],
    ["ingest", "ais"],
    ["alerts", "list"],
    ["db"],
    ["report"],
    ["simulate"],
    ["dashboard"],
    ["mission", "plan"],
]


def median_s(argv: list[str], runs: int) -> float:
    """The median wall time of ``argv`` over ``runs`` runs (after one warm-up run)."""
    subprocess.run(argv, check=True, capture_output=True)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="Runs per command (default 15).")
    runs = parser.parse_args().runs
    coastwatch = str(Path(sys.executable).with_name("coastwatch"))
    baseline = median_s([sys.executable, "-c", "import click"], runs)
    print(f"median of {runs} runs; baseline: python -c 'import click' {baseline:.3f} s")
    print(f"{'command':<34}{'seconds':>9}{'x baseline':>12}  goal")
    for args in COMMANDS:
        seconds = median_s([coastwatch, *args, "--help"], runs)
        goal = f"< {GOAL_S} s " + ("met" if seconds < GOAL_S else "MISSED")
        name = " ".join(["coastwatch", *args, "--help"])
        print(f"{name:<34}{seconds:>9.3f}{seconds / baseline:>12.2f}  {goal}")


if __name__ == "__main__":
    main()
