"""Every rule against the simulator's ground truth, confounders included, on several seeds
of the standard day and of the harder day (several events of each kind, pair trawlers,
coverage holes crossed, a shared MMSI): recall and precision of at least 0.95 (the issue's
bar), and no alert on a look-alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders import cli
from tests.builders.cli import Ran

BAR = 0.95


@pytest.mark.parametrize(
    ("scenario", "seed"), [("standard", 21), ("standard", 22), ("hard", 21), ("hard", 23)]
)
def test_each_rule_finds_its_events_and_little_else(
    scenario: str, seed: int, tmp_path: Path, coastwatch: Callable[..., Ran]
) -> None:
    made = cli.run(
        *("simulate", "--out", str(tmp_path), "--seed", str(seed), "--vessels", "40"),
        *("--hours", "24", "--scenario", scenario),
    )
    assert made.returncode == 0, made.stderr
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert coastwatch("ingest", "ais", str(tmp_path / "feed.nmea")).code == 0
    assert coastwatch("watchlist", "import", str(tmp_path / "watchlist.csv")).code == 0
    assert coastwatch("ingest", "scene", str(tmp_path / "scenes")).code == 0
    ran = coastwatch("detect", "--since", truth["start"], "--until", truth["end"])
    assert ran.code == 0, ran.stderr
    scores = json.loads(
        coastwatch("evaluate", "--truth", str(tmp_path / "truth.json"), "--format", "json").stdout
    )
    by_rule = {s["rule"]: s for s in scores}
    # events a rule cannot see (a dark vessel outside every scene) are not counted for it
    evaluated = {e["type"] for e in truth["events"]} & {
        r for r, s in by_rule.items() if s["events"]
    }
    assert evaluated >= {
        "sts_transfer",
        "loitering",
        "ais_gap",
        "suspicious_landing",
        "zone_entry",
        "identity_anomaly",
        "watchlist",
        "dark_vessel",
        "dark_rendezvous",
    }
    for rule in evaluated:
        score = by_rule[rule]
        assert score["recall"] >= BAR, score
        assert score["precision"] is None or score["precision"] >= BAR, score
    if scenario == "hard":
        for rule in ("sts_transfer", "ais_gap"):  # pair trawlers, coverage holes crossed
            assert by_rule[rule]["lookalikes"] >= 2, by_rule[rule]
            assert by_rule[rule]["lookalikes_alerted"] == 0, by_rule[rule]
