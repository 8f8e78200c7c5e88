"""Scenes through the ingest contract: the source yields scene paths, the parse opens each,
reads what it is and scans it for ships, the writer stores it with its ships.

Every file is checked (opened, its time and georeferencing read, hashed) before any is
stored: one refused file refuses the run, and nothing of any of them is stored. A scene
whose file is stored already is neither scanned nor stored again.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pyproj import Geod

from alerts.matching import MatchSettings, match_detections
from satellite.landmask import reference_land
from satellite.raster import SceneRaster, open_scene
from satellite.safe import is_safe
from surveillance.errors import InputError
from surveillance.ingest import REJECT_COLUMNS, IngestStats, Source, run
from surveillance.store import SceneRecord
from surveillance.store.scenes import DETECTION_COLUMNS

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = [
    "SceneBatch",
    "SceneFiles",
    "ScanScenes",
    "SceneWriter",
    "StoredScene",
    "check_scenes",
    "ingest_scenes",
    "scene_paths",
]

_SUFFIXES = {".tif", ".tiff", ".jp2", ".zip"}  # .jp2: Sentinel-2 bands
_GEOD = Geod(ellps="WGS84")

#: worker processes of a scan: one a core, at most four (each holds a tile and its filters)
SCAN_WORKERS = max(1, min(os.cpu_count() or 1, 4))
#: what a scan reports while it runs: (scene path, tiles done, tiles in all)
ScanProgress = Callable[[Path, int, int], None]


def ingest_scenes(
    paths: Iterable[Path],
    store: Store,
    *,
    sensor: str | None = None,
    time: str | None = None,
    progress: ScanProgress | None = None,
    matching: MatchSettings | None = None,
) -> tuple[IngestStats, list[StoredScene]]:
    """Check every scene the paths name, then store each with its ships and match them to
    the AIS in the store (the command's work, for a demo or a bench too): the run's figures
    and what happened to each scene. ``coastwatch detect`` matches them again, as AIS that
    arrives later may explain a ship."""
    found = scene_paths(paths)
    hashes = check_scenes(found, sensor, time)
    known = {sha for sha in hashes.values() if store.scene_id(sha) is not None}
    writer = SceneWriter(store)
    parse = ScanScenes(hashes, known, sensor=sensor, time=time, progress=progress)
    stats = run(SceneFiles(found), parse, writer)
    for scene in writer.scenes:
        if scene.new and scene.detections:
            summary = match_detections(store, scene_id=scene.scene_id, settings=matching)
            scene.matched, scene.dark = summary.matched, summary.dark
    return stats, writer.scenes


def scene_paths(paths: Iterable[Path]) -> list[Path]:
    """The scenes the paths name: files, SAFE folders, and the scenes in other folders
    (GeoTIFFs, JPEG 2000 bands, SAFE folders and zips, not
    recursively); a folder without one is refused."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not is_safe(path):
            inside = [
                p
                for p in sorted(path.iterdir())
                if (p.is_dir() and is_safe(p)) or (p.is_file() and p.suffix.lower() in _SUFFIXES)
            ]
            if not inside:
                raise InputError(f"{path}: no scenes in the folder (.tif, .jp2, .SAFE, .zip)")
            found += inside
        else:
            found.append(path)
    return found


def check_scenes(paths: Sequence[Path], sensor: str | None, time: str | None) -> dict[Path, str]:
    """Every scene opened once and hashed: its SHA-256 by path. Any that cannot be used is
    an :class:`InputError` that names each of them, and nothing is stored."""
    hashes, refused = {}, []
    for path in paths:
        try:
            with open_scene(path, sensor, time) as raster:
                hashes[path] = raster.sha256()
        except InputError as exc:
            refused.append(str(exc))
    if refused:
        kept = "nothing stored" if len(paths) == 1 else f"none of the {len(paths)} stored"
        raise InputError(f"{'; '.join(refused)} ({kept})")
    return hashes


class SceneFiles(Source[Path]):
    """The scene paths of one run, in the order given."""

    name = "scenes"

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)

    def read(self) -> Iterator[Path]:
        yield from self.paths


@dataclass
class SceneBatch:
    """One scene as the parse read it; ``detections`` is None for a scene stored already
    (it is not scanned again)."""

    path: Path
    record: SceneRecord
    detections: pd.DataFrame | None
    time_source: str
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    counts: Counter[str] = field(default_factory=Counter)


class ScanScenes:
    """The parse: each path opened (``--sensor`` and ``--time`` applied), described, given a
    quicklook and, for SAR, scanned for ships over the coast read around it. ``known`` are
    the hashes stored already: those scenes are passed on unscanned."""

    def __init__(
        self,
        hashes: dict[Path, str],
        known: set[str],
        *,
        sensor: str | None = None,
        time: str | None = None,
        progress: ScanProgress | None = None,
    ) -> None:
        self.hashes, self.known = hashes, set(known)
        self.sensor, self.time, self.progress = sensor, time, progress

    def __call__(self, paths: Iterator[Path]) -> Iterator[SceneBatch]:
        for path in paths:
            with open_scene(path, self.sensor, self.time) as raster:
                yield self._batch(path, raster)

    def _batch(self, path: Path, raster: SceneRaster) -> SceneBatch:
        sha = self.hashes[path]
        stored = sha in self.known
        self.known.add(sha)  # the same scene twice in one run is scanned once
        record = _record(raster, sha, path, quicklook=not stored)
        if stored:
            detections = None
        elif raster.meta.sensor == "sar":
            detections = self._scan(path, raster, sha)
        else:
            detections = pd.DataFrame(columns=["lon", "lat", *DETECTION_COLUMNS])
        counts = Counter(scenes=1, detections=0 if detections is None else len(detections))
        return SceneBatch(path, record, detections, raster.meta.time_source, counts=counts)

    def _scan(self, path: Path, raster: SceneRaster, sha: str) -> pd.DataFrame:
        from satellite.scan import scan_scene

        report = self.progress
        return scan_scene(
            raster,
            reference_land(raster.footprint),
            key_prefix=sha,
            workers=SCAN_WORKERS,
            progress=None if report is None else (lambda done, total: report(path, done, total)),
        )


@dataclass
class StoredScene:
    """What happened to one scene, for the summary."""

    path: Path
    scene_id: int
    new: bool
    acquired_at: datetime
    time_source: str
    sensor: str
    area_km2: float
    detections: int
    matched: int = 0  # of the detections, matched to an AIS vessel
    dark: int = 0  # of the detections, where no AIS vessel could have been


class SceneWriter:
    """Stores each scene with its ships (``store.store_scene``: once per file hash)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.scenes: list[StoredScene] = []

    def load(self, batch: SceneBatch) -> None:
        record = batch.record
        if batch.detections is None:
            scene_id, new = self.store.scene_id(record.sha256), False
        else:
            scene_id, new = self.store.store_scene(record, batch.detections)
        area_m2, _ = _GEOD.geometry_area_perimeter(record.footprint)
        self.scenes.append(
            StoredScene(
                path=batch.path,
                scene_id=int(scene_id or 0),
                new=new,
                acquired_at=record.acquired_at,
                time_source=batch.time_source,
                sensor=record.sensor,
                area_km2=abs(area_m2) / 1e6,
                detections=0 if batch.detections is None else len(batch.detections),
            )
        )

    def finish(self, stats: IngestStats) -> None:
        stats.messages += len(self.scenes)
        stats.positions += sum(s.detections for s in self.scenes if s.new)
        stats.counts["scenes_stored"] += sum(s.new for s in self.scenes)
        stats.counts["scenes_already_stored"] += sum(not s.new for s in self.scenes)


def _record(raster: SceneRaster, sha: str, path: Path, *, quicklook: bool) -> SceneRecord:
    """The ``scenes`` row of an open scene."""
    from satellite.quicklook import quicklook_png

    meta = raster.meta
    return SceneRecord(
        sha256=sha,
        uri=str(path.resolve()),
        sensor=meta.sensor,
        acquired_at=meta.acquired_at,
        footprint=raster.footprint,
        product=meta.product,
        platform=meta.platform,
        mode=meta.mode,
        polarisations=meta.polarisations,
        pixel_spacing_m=raster.spacing_m,
        width_px=raster.width,
        height_px=raster.height,
        orbit_number=meta.orbit_number,
        orbit_pass=meta.orbit_pass,
        quicklook_png=quicklook_png(raster) if quicklook else None,
        meta={"radiometry": meta.radiometry, "time_source": meta.time_source, **meta.extra},
    )
