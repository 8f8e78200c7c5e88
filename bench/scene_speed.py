"""A full-size Sentinel-1 IW GRD scene from file to stored detections, against reading it.

It writes (once, cached under the temp dir by its parameters) a simulated 26,102 x 16,705 px
uint16 GRD scene with GCPs, K-distributed sea clutter, a coast and a few hundred ships
(simulator.sar.write_scene), then in the same run measures:
  read         every pixel read once as amplitude, in full-width bands, in this process
  hash         the file's SHA-256 (what makes an ingest idempotent)
  scan         satellite.scan.scan_scene with --workers processes: land mask, detector,
               chips, georeferencing
  store        store.store_scene of the scene and its detections (a throwaway PostGIS)
and prints each part, "file to stored" (hash + scan + store) with its ratio to the read, the
peak memory of this process and its workers (resident sets summed, sampled; the PostGIS
server not counted), the CPU time they used, and how many of the ships placed were found
within 200 m.
Goals (issue #11): file to stored in at most 60 s, peak memory under 2 GB.

    .venv/bin/python bench/scene_speed.py [--workers 2] [--seed 11] [--cfar] [--serial]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from rasterio.transform import from_origin
from scipy.spatial import cKDTree

from satellite.raster import SceneRaster, open_scene
from satellite.scan import scan_scene
from simulator.georef import Georef
from simulator.sar import write_scene
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store
from surveillance.store.scenes import SceneRecord

WIDTH, HEIGHT, SPACING_M = 26_102, 16_705, 10.0
TIME = datetime(2026, 11, 26, 1, 30, 15, tzinfo=UTC)
#: UTM 33N off the Italian coast, where the real SAFE product in shared/data lies
ORIGIN_X, ORIGIN_Y, UTM = 300_000.0, 4_700_000.0, 32633
SHIPS = 300
SCENE_VERSION = 1  # bump when the scene below changes: the cache is keyed by it


def _georef() -> Georef:
    affine = Georef.affine(from_origin(ORIGIN_X, ORIGIN_Y, SPACING_M, SPACING_M), UTM)
    return affine.gcp_grid(WIDTH, HEIGHT, per_side=10)  # a GRD describes itself by GCPs


def _land(georef: Georef) -> shapely.Geometry:
    """A ragged coast over the scene's eastern sixth, with an island offshore."""
    rows = np.linspace(0, HEIGHT, 40)
    wobble = np.random.default_rng(5).uniform(-600, 600, rows.size)
    cols = WIDTH * 5 / 6 + wobble
    lon, lat = georef.lonlat(rows, cols)
    east, _ = georef.lonlat(np.array([0.0]), np.array([WIDTH * 1.2]))
    coast = shapely.Polygon(
        [*zip(lon, lat, strict=True), (east[0], lat[-1]), (east[0], lat[0])]
    ).buffer(0)
    island_lon, island_lat = georef.lonlat(np.array([HEIGHT / 2]), np.array([WIDTH / 2]))
    island = shapely.Point(island_lon[0], island_lat[0]).buffer(0.02)
    return shapely.union(coast, island)


def _ships(georef: Georef, land: shapely.Geometry, seed: int) -> pd.DataFrame:
    """Ships on the sea, 20 to 300 m long, any heading."""
    rng = np.random.default_rng(seed)
    rows = rng.uniform(100, HEIGHT - 100, SHIPS * 2)
    cols = rng.uniform(100, WIDTH - 100, SHIPS * 2)
    lon, lat = georef.lonlat(rows, cols)
    sea = ~shapely.contains_xy(land.buffer(0.01), lon, lat)
    lon, lat = lon[sea][:SHIPS], lat[sea][:SHIPS]
    length = rng.uniform(20, 300, lon.size)
    return pd.DataFrame(
        {
            "lon": lon,
            "lat": lat,
            "length_m": length,
            "width_m": length / 6,
            "heading_deg": rng.uniform(0, 360, lon.size),
        }
    )


def cached_scene(seed: int) -> tuple[Path, shapely.Geometry, pd.DataFrame]:
    """The scene's file (written unless cached), its land and its ships."""
    georef = _georef()
    land = _land(georef)
    ships = _ships(georef, land, seed)
    folder = Path(tempfile.gettempdir()) / "coastwatch-bench-scenes"
    path = folder / f"s1-grd-{WIDTH}x{HEIGHT}-seed{seed}-v{SCENE_VERSION}.tif"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        partial = path.with_suffix(f".{os.getpid()}.part")
        write_scene(
            partial,
            width=WIDTH,
            height=HEIGHT,
            georef=georef,
            time=TIME,
            ships=ships,
            land=land,
            seed=seed,
            spacing_m=SPACING_M,
        )
        partial.rename(path)
        print(f"scene written in {time.perf_counter() - clock:.0f} s (cached: {path})")
    return path, land, ships


@dataclass
class Watch:
    """This process and its descendants (PostgreSQL excluded), sampled every 50 ms while
    running: the largest sum of their resident sets (an upper bound: the pages a forked worker
    shares with this process count twice), and the CPU time they used (which tells what the
    wall time would be on an idle machine: other work shares it)."""

    peak_bytes: int = 0
    _cpu_ticks: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Watch:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            family = _family(os.getpid())
            self.peak_bytes = max(self.peak_bytes, sum(map(_rss_bytes, family)))
            for pid in family:
                self._cpu_ticks[pid] = max(self._cpu_ticks.get(pid, 0), _cpu_ticks(pid))


def _family(pid: int) -> list[int]:
    """A process and its descendants, PostgreSQL's left out."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            if Path(f"/proc/{current}/comm").read_text().strip() == "postgres":
                continue
            found.append(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:  # it ended while we looked
            continue
    return found


def _cpu_ticks(pid: int) -> int:
    """User and system time of a process so far, in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _rss_bytes(pid: int) -> int:
    """The resident set size (from ``status``: reading ``smaps`` for the proportional size
    takes the process's memory lock and slowed the workers down 1.8 x)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def read_all(scene: SceneRaster) -> float:
    """Seconds to read every pixel once as amplitude, full-width bands of 512 rows."""
    clock = time.perf_counter()
    for row0 in range(0, scene.height, 512):
        scene.read(row0, 0, min(512, scene.height - row0), scene.width)
    return time.perf_counter() - clock


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def found_within_200m(ships: pd.DataFrame, detections: pd.DataFrame) -> int:
    """How many placed ships have a detection within 200 m (local metres)."""
    if detections.empty:
        return 0
    scale = np.array([111_320.0 * np.cos(np.radians(ships["lat"].mean())), 111_320.0])
    tree = cKDTree(detections[["lon", "lat"]].to_numpy(float) * scale)
    distance, _ = tree.query(ships[["lon", "lat"]].to_numpy(float) * scale)
    return int((distance <= 200.0).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cfar", action="store_true", help="the plain CFAR, no learned stage")
    parser.add_argument("--serial", action="store_true", help="also scan with one process")
    args = parser.parse_args()
    path, land, ships = cached_scene(args.seed)
    size_mb = path.stat().st_size / 2**20
    print(f"scene {WIDTH} x {HEIGHT} px, {SPACING_M:.0f} m, {size_mb:.0f} MB: {path}")
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-scene-"))
    load = os.getloadavg()[0]
    cluster = Cluster(load_settings(home=work / "home", embedded_port=55496))
    try:
        cluster.up()
        with Store.open(cluster.settings) as store, Watch() as watch:
            clock = time.perf_counter()
            digest = sha256(path)
            hash_s = time.perf_counter() - clock
            with open_scene(path) as scene:
                clock = time.perf_counter()
                found = scan_scene(
                    scene, land, key_prefix=digest[:16], learned=not args.cfar, workers=args.workers
                )
                scan_s = time.perf_counter() - clock
                record = SceneRecord(
                    sha256=digest,
                    uri=str(path),
                    sensor="sar",
                    acquired_at=scene.meta.acquired_at,
                    footprint=scene.footprint,
                    pixel_spacing_m=scene.spacing_m,
                    width_px=scene.width,
                    height_px=scene.height,
                )
            clock = time.perf_counter()
            scene_id, _ = store.store_scene(record, found)
            store_s = time.perf_counter() - clock
            stored = len(store.detections(scene_id=scene_id))
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    # after the watched part: a read in this process fills its GDAL cache, which would count
    with open_scene(path) as scene:
        read_s = read_all(scene)
        serial_s = None
        if args.serial:
            clock = time.perf_counter()
            scan_scene(scene, land, key_prefix="serial", learned=not args.cfar)
            serial_s = time.perf_counter() - clock
    total_s = hash_s + scan_s + store_s
    peak_gb = watch.peak_bytes / 2**30
    cores = os.cpu_count() or 1
    hits = found_within_200m(ships, found)
    print(f"read every pixel once    {read_s:6.1f} s   (the baseline)")
    if serial_s is not None:
        print(f"scan, 1 process          {serial_s:6.1f} s   {serial_s / read_s:5.2f} x read")
    print(f"hash                     {hash_s:6.1f} s")
    print(f"scan, {args.workers} workers          {scan_s:6.1f} s   {scan_s / read_s:5.2f} x read")
    print(f"store {stored:>5} detections  {store_s:6.1f} s")
    print(f"file to stored           {total_s:6.1f} s   {total_s / read_s:5.2f} x read")
    if serial_s is not None:
        print(f"parallel speed-up        {serial_s / scan_s:6.2f} x")
    print(
        f"CPU time                 {watch.cpu_s:6.1f} s   over {cores} cores: "
        f"{watch.cpu_s / cores:.1f} s of wall time if the machine were ours alone "
        f"(load average {load:.1f} at the start)"
    )
    print(f"peak memory (RSS)        {peak_gb:6.2f} GB (this process and its workers, summed)")
    print(
        f"detections {len(found)}; ships placed {len(ships)}, found within 200 m {hits} "
        f"({hits / len(ships):.0%})"
    )
    met = total_s <= 60 and peak_gb < 2
    print("goal (file to stored <= 60 s, peak < 2 GB): " + ("met" if met else "MISSED"))


if __name__ == "__main__":
    main()
