"""Ships found in simulated SAR scenes, the xView3 figures, against a plain CFAR baseline.

Simulates a day with its SAR scenes (or takes ``--dir``, the output of `coastwatch
simulate`), ingests its AIS and its scenes (`coastwatch ingest scene DIR/scenes/*.tif`)
into a throwaway embedded store, runs the engine over the day (which matches detections
against AIS and raises dark_vessel and dark_rendezvous alerts), and scores the stored
detections against truth.json's scene ships: Hungarian match within 200 m, precision,
recall, F1; F1 within 2 km of the coast; mean absolute length error; dark-vessel precision
and recall. In the same run the baseline: the same scan with ``learned=False`` (the CFAR
stage alone), land masked from the same coastline. Then the two rules' precision and
recall against the truth's events.

    .venv/bin/python bench/sar_simulated.py [--dir DIR | --seed 11 --vessels 60 --scenario hard]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ais_ingest.pipeline import ingest_files
from alerts.engine import Engine
from alerts.evaluate import evaluate, truth_window
from satellite.landmask import reference_land
from satellite.raster import open_scene
from satellite.scan import scan_scene
from simulator.scene_score import SceneScore, score_scenes, truth_ships
from simulator.world import World
from surveillance.embedded import Cluster
from surveillance.reference import area_of_operations
from surveillance.settings import load_settings
from surveillance.store import Store

PORT = 55_511


def coastwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "surveillance", *args], capture_output=True, text=True
    )


def simulate(out: Path, seed: int, vessels: int, scenario: str) -> None:
    options = ["--out", str(out), "--seed", str(seed), "--vessels", str(vessels)]
    ran = coastwatch("simulate", *options, "--scenario", scenario)
    if ran.returncode:
        sys.exit(f"coastwatch simulate failed:\n{ran.stderr}")


def baseline(out: Path, truth: dict[str, Any]) -> pd.DataFrame:
    """The CFAR stage alone over every scene, through the same scan (tiles, land mask)."""
    frames = []
    for entry in truth["scenes"]:
        with open_scene(out / entry["file"]) as scene:
            found = scan_scene(
                scene, reference_land(scene.footprint), key_prefix="baseline", learned=False
            )
        frames.append(
            pd.DataFrame(
                {
                    "scene": entry["file"],
                    "lon": found["lon"],
                    "lat": found["lat"],
                    "length_m": found["length_m"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def stored(store: Store, window: tuple[Any, Any]) -> pd.DataFrame:
    """The store's detections, named by the truth's scene file."""
    scenes = store.scenes(window)
    file_of = {
        int(i): f"scenes/{Path(uri).name}"
        for i, uri in zip(scenes["id"], scenes["uri"], strict=True)
    }
    found = store.detections(window)
    return pd.DataFrame(
        {
            "scene": [file_of.get(int(i)) for i in found["scene_id"]],
            "lon": found.geometry.x,
            "lat": found.geometry.y,
            "length_m": found["length_m"].astype(float),
            "dark": found["dark"].astype("boolean"),
        }
    )


def with_coast(frame: pd.DataFrame, world: World) -> pd.DataFrame:
    """The same coastline distance for every detector's detections."""
    xy = world.metres(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    return frame.assign(coast_distance_m=world.distance_to_land_m(xy) if len(frame) else [])


def _cell(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if percent else f"{value:.3f}"


def report(learned: SceneScore, plain: SceneScore) -> None:
    """The figures side by side; the CFAR alone is never matched against AIS (no dark)."""
    rows = [
        ("precision", learned.precision, plain.precision, False),
        ("recall", learned.recall, plain.recall, False),
        ("F1", learned.f1, plain.f1, False),
        ("close-to-shore F1", learned.close_f1, plain.close_f1, False),
        ("length error %", learned.length_error_pct, plain.length_error_pct, True),
        ("dark precision", learned.dark_precision, None, False),
        ("dark recall", learned.dark_recall, None, False),
    ]
    print(f"\n{'':<20}{'learned':>10}{'CFAR only':>11}{'ratio':>8}")
    for name, mine, theirs, percent in rows:
        ratio = f"{mine / theirs:.2f}" if mine is not None and theirs else "-"
        print(f"{name:<20}{_cell(mine, percent):>10}{_cell(theirs, percent):>11}{ratio:>8}")
    print(
        f"truth ships {learned.truth} ({learned.close_truth} within 2 km of the coast, "
        f"{learned.dark_truth} dark offshore); detections {learned.detections} learned, "
        f"{plain.detections} CFAR only; matched {learned.matched} learned, {plain.matched} CFAR"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="a `coastwatch simulate` output to score")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--vessels", type=int, default=60)
    parser.add_argument("--scenario", choices=["standard", "hard"], default="hard")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-sar-"))
    try:
        out = args.dir or work / "day"
        if not args.dir:
            simulate(out, args.seed, args.vessels, args.scenario)
        truth = json.loads((out / "truth.json").read_text())
        if not truth.get("scenes"):
            sys.exit(f"{out}/truth.json has no scenes: simulate with --scenes 1 or more")
        settings = load_settings(home=work / "home", embedded_port=PORT)
        cluster = Cluster(settings)
        try:
            url = cluster.up()
            with Store.open(settings) as store:
                ingest_files([out / "feed.nmea"], store)
                files = [str(out / s["file"]) for s in truth["scenes"]]
                clock = time.perf_counter()
                ran = coastwatch("--database-url", url, "ingest", "scene", *files)
                ingest_s = time.perf_counter() - clock
                if ran.returncode:
                    sys.exit(f"coastwatch ingest scene failed ({ran.returncode}):\n{ran.stderr}")
                window = truth_window(truth)
                Engine(settings, store).run(*window)  # matches detections, raises the alerts
                found = stored(store, window)
                alerts = store.alerts_overlapping(window)
        finally:
            cluster.destroy()
        world = World(area_of_operations(settings), np.random.default_rng(0))
        ships = truth_ships(truth)
        learned = score_scenes(ships, with_coast(found, world))
        clock = time.perf_counter()
        plain = score_scenes(ships, with_coast(baseline(out, truth), world))
        baseline_s = time.perf_counter() - clock
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{len(truth['scenes'])} scenes: ingested (learned) in {ingest_s:.1f} s, "
        f"CFAR only in {baseline_s:.1f} s"
    )
    report(learned, plain)
    print("\nrules against the truth's events: precision / recall (alerts, events)")
    for score in evaluate(truth, alerts):
        if score.rule in ("dark_vessel", "dark_rendezvous"):
            p, r = _cell(score.precision), _cell(score.recall)
            print(f"  {score.rule:<18}{p} / {r} ({score.alerts}a {score.events}e)")


if __name__ == "__main__":
    main()
