"""Ship detection on held-out real SAR (SSDD) and the detector's speed on a big tile.

On the validation part of SSDD (chips whose number is a multiple of 5: 232 chips, 479 ships,
never used to train or tune), at the nominal 3 m spacing, in the same run:
  detector   detect_ships: the recall-tuned CFAR, then the learned classifier
  CFAR       detect_ships(learned=False): the plain two-parameter CFAR (the baseline)
Matching rule: a detection is a true positive when its centre lies inside a ground-truth box,
one-to-one, detections taken by falling confidence (the nearest free box); the second line
matches detection boxes to ground-truth boxes at IoU >= 0.5 the same way. It prints precision,
recall, F1, the time per chip and the ratio F1 detector / F1 CFAR (goal: F1 >= 0.85).
The same again on the chips made 3 times coarser (intensity averaged over 3 x 3 pixels, 9 m:
ships of a few pixels, as Sentinel-1 GRD shows them). Then both on a square of gamma sea
clutter with a few ships (default 4096 px at 10 m), in milliseconds per megapixel (best of 3).
The SSDD chips are read from $COASTWATCH_SHARED_DATA/ssdd-train.

    .venv/bin/python bench/ssdd_detection.py [--data DIR] [--tile-px 4096]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from satellite.detector import detect_ships
from satellite.ssdd import NOMINAL_SPACING_M, Scores, default_folder, evaluate


def line(name: str, scores: Scores) -> str:
    figures = scores.as_dict()
    return (
        f"{name:<9} P {figures['precision']:.3f}  R {figures['recall']:.3f}  "
        f"F1 {figures['f1']:.3f}  (IoU>=0.5 F1 {figures['iou50_f1']:.3f})  "
        f"{figures['ms_per_chip']:6.1f} ms/chip"
    )


def sea_tile(side_px: int, spacing_m: float) -> npt.NDArray[np.float32]:
    """4-look gamma clutter (as amplitude) with a 200 m ship every ~400 px along a diagonal."""
    rng = np.random.default_rng(7)
    tile = np.sqrt(rng.gamma(4.0, 0.25, size=(side_px, side_px))).astype(np.float32)
    half_length = max(1, round(100.0 / spacing_m))
    half_width = max(1, round(15.0 / spacing_m))
    for centre in range(200, side_px - 200, 400):
        tile[
            centre - half_width : centre + half_width, centre - half_length : centre + half_length
        ] = 6.0
    return tile


def per_megapixel(
    tile: npt.NDArray[np.float32], spacing_m: float, *, learned: bool
) -> tuple[float, int]:
    """The best of three runs of detect_ships over the tile, in ms per megapixel, and its count."""
    best = float("inf")
    found = 0
    for _ in range(3):
        started = time.perf_counter()
        found = len(detect_ships(tile, spacing_m, learned=learned))
        best = min(best, time.perf_counter() - started)
    return 1000 * best / (tile.size / 1e6), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_folder())
    parser.add_argument("--tile-px", type=int, default=4096)
    parser.add_argument("--spacing-m", type=float, default=10.0)
    args = parser.parse_args()
    for factor in (1, 3):
        detector = evaluate(args.data, learned=True, factor=factor)
        baseline = evaluate(args.data, learned=False, factor=factor)
        ships = detector.centres.tp + detector.centres.fn
        spacing_m = NOMINAL_SPACING_M * factor
        print(f"SSDD validation at {spacing_m:g} m: {detector.chips} chips, {ships} ships")
        print(line("detector", detector))
        print(line("CFAR", baseline))
        ratio = detector.centres.f1 / max(baseline.centres.f1, 1e-9)
        print(f"ratio F1 detector / F1 CFAR: {ratio:.2f}")
    tile = sea_tile(args.tile_px, args.spacing_m)
    ships = len(range(200, args.tile_px - 200, 400))
    learned_ms, learned_found = per_megapixel(tile, args.spacing_m, learned=True)
    cfar_ms, cfar_found = per_megapixel(tile, args.spacing_m, learned=False)
    print(f"{args.tile_px} px sea tile at {args.spacing_m:g} m, {ships} ships:")
    print(f"detector  {learned_ms:7.1f} ms/Mpx  ({learned_found} detections)")
    print(f"CFAR      {cfar_ms:7.1f} ms/Mpx  ({cfar_found} detections)")
    print(f"ratio time detector / CFAR: {learned_ms / cfar_ms:.2f}")


if __name__ == "__main__":
    main()
