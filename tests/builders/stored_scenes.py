"""Satellite scenes in the store as the scene ingester and the matcher leave them: a scene
with its quicklook and detections (``store.store_scene``), what AIS says of each detection
(``store.set_detection_matches``), and small PNGs to stand for quicklooks and chips."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from PIL import Image

from surveillance.store import SceneRecord
from tests.builders.clock import T0

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["Ship", "StoredScene", "chip_png", "match", "solid_png", "stored_scene"]


def solid_png(rgb: tuple[int, int, int], size_px: int = 32) -> bytes:
    """A PNG of one colour (a quicklook a browser test can find among the map's pixels)."""
    buffer = io.BytesIO()
    Image.new("RGB", (size_px, size_px), rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def chip_png(seed: int, size_px: int = 64) -> bytes:
    """An 8-bit grey PNG like a detection's chip: speckle with a bright ship across it."""
    rng = np.random.default_rng(seed)
    pixels = rng.gamma(2.0, 20.0, (size_px, size_px))
    middle = size_px // 2
    pixels[middle - 2 : middle + 2, middle - 12 : middle + 12] = 250
    buffer = io.BytesIO()
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8), mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Ship:
    """One detection of a scene: where, how long, how sure."""

    lon: float
    lat: float
    length_m: float = 120.0
    confidence: float = 0.9


@dataclass(frozen=True)
class StoredScene:
    """A scene as stored: its id, its detections' ids (in the order of the ships given)
    and their chips."""

    id: int
    detection_ids: list[int]
    chips: list[bytes]


def stored_scene(
    store: Store,
    footprint: shapely.Polygon,
    ships: Sequence[Ship],
    *,
    acquired_at: datetime = T0,
    name: str = "S1A_IW_GRDH_1SDV_TEST",
    quicklook: bytes | None = None,
) -> StoredScene:
    """Store a SAR scene (IW, VV+VH, 10 m pixels) over ``footprint`` with ``ships``."""
    sha = hashlib.sha256(f"{name}|{acquired_at.isoformat()}".encode()).hexdigest()
    record = SceneRecord(
        sha256=sha,
        uri=f"/scenes/{name}.tif",
        sensor="sar",
        acquired_at=acquired_at,
        footprint=footprint,
        product=name,
        platform="S1A",
        mode="IW",
        polarisations="VV+VH",
        pixel_spacing_m=10.0,
        quicklook_png=quicklook if quicklook is not None else solid_png((40, 40, 40)),
    )
    chips = [chip_png(i) for i in range(len(ships))]
    detections = pd.DataFrame(
        {
            "lon": [s.lon for s in ships],
            "lat": [s.lat for s in ships],
            "length_m": [s.length_m for s in ships],
            "width_m": [s.length_m / 6 for s in ships],
            "heading_deg": [30.0] * len(ships),
            "confidence": [s.confidence for s in ships],
            "pixel_row": [100.5 + 20 * i for i in range(len(ships))],
            "pixel_col": [200.5] * len(ships),
            "coast_distance_m": [40_000.0] * len(ships),
            "chip_png": chips,
            "key": [f"{sha}:{i}" for i in range(len(ships))],
        }
    )
    scene_id, _ = store.store_scene(record, detections)
    found = store.detections(scene_id=scene_id)
    by_key = dict(zip(found["key"], found["id"], strict=True))
    return StoredScene(scene_id, [int(by_key[k]) for k in detections["key"]], chips)


def match(
    store: Store,
    detection_id: int,
    *,
    mmsi: int | None = None,
    distance_m: float | None = None,
    dark: bool = False,
    near: Sequence[dict[str, Any]] = (),
) -> None:
    """Record what AIS says of one detection: matched to ``mmsi`` at ``distance_m``, or
    not (``dark`` or not), with the AIS vessels ``near`` it."""
    store.set_detection_matches(
        pd.DataFrame(
            {
                "id": [detection_id],
                "matched_mmsi": pd.array([mmsi], dtype="Int64"),
                "match_distance_m": [distance_m],
                "dark": [dark],
                "near_vessels": [list(near)],
            }
        )
    )
