"""SAR scenes over a scenario: when and where they are taken, which ships they show, and
the truth they add (``scenes`` in truth.json, ``dark_vessel`` and ``dark_rendezvous`` events).

The first scenes are taken during the transfers whose partner has its AIS off, so that a
dark vessel lies beside a loitering AIS ship at the image time; the others over the busiest
water at other times (coast included, for the close-to-shore figures). Every scene shows
every simulated vessel inside it where the motion model has it, whether its AIS is on or
off, plus 2-4 vessels that have no AIS at all, offshore, some of them within a few km of an
AIS ship. Scenes are 10 m GeoTIFFs in UTM; one of them is placed by GCPs instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from rasterio.transform import from_origin

from simulator.builder import HOUR, RANGE_M, Scenario, Vessel
from simulator.georef import Georef
from simulator.motion import positions
from simulator.sar import SceneDtype, write_scene
from simulator.world import World
from surveillance.errors import InputError
from surveillance.geodesy import haversine_m
from surveillance.times import iso_utc

__all__ = ["ScenePlan", "plan_scenes", "scene_events", "write_scenes"]

SPACING_M = 10.0
SCENE_PX = 2400  # 24 km square: room for an event and its neighbours, quick to render
DTYPES: tuple[SceneDtype, ...] = ("uint16", "uint16", "float32-dB")  # by scene, in turn
GCP_SCENE = 1  # the second scene is placed by GCPs
DARK_PER_SCENE = (2, 4)  # vessels without AIS in each scene, at least and at most
DARK_MIN_SHORE_M = 1_500.0  # where the vessels without AIS are put
DARK_NEAR_AIS_M = (1_500.0, 3_000.0)  # "beside an AIS ship", but no rendezvous
OFFSHORE_M = 1_000.0  # a dark ship this far from land is a dark_vessel event
RENDEZVOUS_M = 1_000.0  # a dark ship this close to a slow AIS ship is a dark_rendezvous
SLOW_KNOTS = 3.0
BUSY_RADIUS_M = 10_000.0  # the busiest water: most vessels within this of a vessel
COASTAL_M = 8_000.0  # a busy scene is centred this close to the coast when it can be
TRUTH_NUMBERS = ("lon", "lat", "length_m", "width_m", "heading_deg", "mmsi", "coast_distance_m")
SHIP_COLUMNS = ["lon", "lat", "length_m", "width_m", "heading_deg", "mmsi", "dark", "sog_knots"]


@dataclass
class ScenePlan:
    """One scene to write: its file, time, placement and ships (with their truth)."""

    file: str
    time_s: float
    georef: Georef
    dtype: SceneDtype
    ships: pd.DataFrame  # SHIP_COLUMNS + coast_distance_m
    seed: int
    width: int = SCENE_PX
    height: int = SCENE_PX

    def truth(self) -> dict[str, Any]:
        """The scene's entry of truth.json's ``scenes``."""
        column = {c: self.ships[c].to_numpy(float, na_value=np.nan) for c in TRUTH_NUMBERS}
        dark = self.ships["dark"].to_numpy(bool)
        ships = [
            {
                "lon": round(column["lon"][i], 6),
                "lat": round(column["lat"][i], 6),
                "length_m": column["length_m"][i],
                "width_m": column["width_m"][i],
                "heading_deg": round(column["heading_deg"][i], 1),
                "mmsi": None if np.isnan(column["mmsi"][i]) else int(column["mmsi"][i]),
                "dark": bool(dark[i]),
                "coast_distance_m": round(column["coast_distance_m"][i], 1),
            }
            for i in range(len(dark))
        ]
        footprint = self.georef.footprint(self.width, self.height)
        return {
            "file": f"scenes/{self.file}",
            "time": iso_utc(self.time_s),
            "footprint": shapely.geometry.mapping(footprint),
            "ships": ships,
        }


def plan_scenes(
    scenario: Scenario, world: World, count: int, rng: np.random.Generator
) -> list[ScenePlan]:
    """``count`` scenes: one per dark transfer first, then over the busiest water."""
    plans: list[ScenePlan] = []
    for meeting in [e for e in scenario.truth if "dark_mmsi" in e][:count]:
        t0, t1 = meeting["start"], meeting["end"]
        time_s = float(np.floor(t0 + rng.uniform(0.25, 0.75) * (t1 - t0)))
        centre = world.metres(np.array([meeting["lon"]]), np.array([meeting["lat"]]))[0]
        plans.append(
            _plan(len(plans), time_s, centre + rng.uniform(-2000, 2000, 2), scenario, world, rng)
        )
    while len(plans) < count:
        span = scenario.end_s - scenario.start_s
        margin = min(HOUR, 0.2 * span)
        time_s = float(np.floor(rng.uniform(scenario.start_s + margin, scenario.end_s - margin)))
        centre = _busiest(scenario, world, time_s, plans, rng)
        plans.append(_plan(len(plans), time_s, centre, scenario, world, rng))
    return plans


def _at(vessels: list[Vessel], time_s: float, rng: np.random.Generator) -> pd.DataFrame:
    """Where every vessel is at ``time_s`` (metres), its speed and course, and whether its
    AIS is off; vessels not under way at that time are left out."""
    rows = []
    for vessel in vessels:
        xy, sog, cog = positions(vessel.legs, np.array([time_s]), rng)
        if np.isnan(xy[0, 0]):
            continue
        dark = any(a <= time_s < b for a, b in vessel.dark)
        rows.append((xy[0, 0], xy[0, 1], float(sog[0]), float(cog[0]), vessel.mmsi, dark, vessel))
    return pd.DataFrame(rows, columns=["x", "y", "sog_knots", "cog", "mmsi", "dark", "vessel"])


def _busiest(
    scenario: Scenario,
    world: World,
    time_s: float,
    taken: list[ScenePlan],
    rng: np.random.Generator,
) -> np.ndarray:
    """The vessel position at ``time_s`` with most vessels around it, preferring one near
    the coast (the scene then holds coast too) that a receiver hears, inside the area and
    off the scenes taken before."""
    fleet = _at(scenario.vessels, time_s, rng)
    xy = fleet[["x", "y"]].to_numpy(float).reshape(-1, 2)
    fits = world.inside(xy, margin_deg=0.3)
    lon, lat = world.lonlat(xy)
    for plan in taken:
        rows, cols = plan.georef.pixels(lon, lat)
        fits &= (np.minimum(rows, cols) < -SCENE_PX) | (np.maximum(rows, cols) > 2 * SCENE_PX)
    if not fits.any():
        return _open_sea(world, rng)
    heard = np.linalg.norm(xy[:, None] - scenario.receivers_m[None], axis=2).min(axis=1) < RANGE_M
    coastal = world.distance_to_land_m(xy) < COASTAL_M
    for prefer in (fits & heard & coastal, fits & heard, fits):
        if prefer.any():
            break
    near = (np.linalg.norm(xy[:, None] - xy[None], axis=2) < BUSY_RADIUS_M).sum(axis=1)
    return xy[np.flatnonzero(prefer)[np.argmax(near[prefer])]]


def _open_sea(world: World, rng: np.random.Generator) -> np.ndarray:
    """A point 3-30 km off the coast inside the area, for a scene where no traffic is."""
    low, high = world.bounds_m
    xy = rng.uniform(low, high, size=(4096, 2))
    shore_m = world.distance_to_land_m(xy)
    fits = world.inside(xy, margin_deg=0.3) & (shore_m > 3_000) & (shore_m < 30_000)
    if not fits.any():
        raise InputError("the area of operations has no open sea for a SAR scene")
    return xy[np.flatnonzero(fits)[0]]


def _utm(lon: float, lat: float) -> CRS:
    zone = int((lon + 180) // 6) + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _plan(
    index: int,
    time_s: float,
    centre_m: np.ndarray,
    scenario: Scenario,
    world: World,
    rng: np.random.Generator,
) -> ScenePlan:
    (lon,), (lat,) = world.lonlat(centre_m)
    crs = _utm(float(lon), float(lat))
    x, y = _to_crs(crs, lon, lat)
    half_m = SCENE_PX * SPACING_M / 2
    origin = np.round(np.array([x - half_m, y + half_m]) / SPACING_M) * SPACING_M
    georef = Georef.affine(from_origin(origin[0], origin[1], SPACING_M, SPACING_M), crs)
    if index == GCP_SCENE:
        georef = georef.gcp_grid(SCENE_PX, SCENE_PX, per_side=6)
    ships = _ships_in(georef, scenario, world, time_s, rng)
    ships = pd.concat([ships, _without_ais(georef, ships, world, rng)], ignore_index=True)
    xy = world.metres(ships["lon"].to_numpy(float), ships["lat"].to_numpy(float))
    ships["coast_distance_m"] = world.distance_to_land_m(xy)
    receiver_m = np.linalg.norm(xy[:, None] - scenario.receivers_m[None], axis=2).min(axis=1)
    ships["dark"] = ships["dark"].to_numpy(bool) | (receiver_m > RANGE_M)  # no AIS heard
    stamp = pd.Timestamp(time_s, unit="s").strftime("%Y%m%dT%H%M%S")
    return ScenePlan(
        f"sar_{index + 1:02d}_{stamp}.tif",
        time_s,
        georef,
        DTYPES[index % len(DTYPES)],
        ships,
        int(rng.integers(2**31)),
    )


def _to_crs(crs: CRS, lon: float, lat: float) -> tuple[float, float]:
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
    return float(x), float(y)


def _inside(georef: Georef, lon: np.ndarray, lat: np.ndarray, margin_px: float) -> np.ndarray:
    rows, cols = georef.pixels(lon, lat)
    low, high = margin_px, SCENE_PX - margin_px
    return (rows >= low) & (rows < high) & (cols >= low) & (cols < high)


def _ships_in(
    georef: Georef, scenario: Scenario, world: World, time_s: float, rng: np.random.Generator
) -> pd.DataFrame:
    """The simulated vessels inside the scene at its time, sized from their AIS data."""
    fleet = _at(scenario.vessels, time_s, rng)
    if fleet.empty:
        return pd.DataFrame(columns=SHIP_COLUMNS)
    lon, lat = world.lonlat(fleet[["x", "y"]].to_numpy(float))
    inside = _inside(georef, lon, lat, 0.0)
    vessels: list[Vessel] = list(fleet["vessel"][inside])
    return pd.DataFrame(
        {
            "lon": lon[inside],
            "lat": lat[inside],
            "length_m": [float(v.length_m) for v in vessels],
            "width_m": [float(v.beam_m) for v in vessels],
            "heading_deg": fleet["cog"].to_numpy(float)[inside] % 360,
            "mmsi": pd.array([v.mmsi for v in vessels], dtype="Int64"),
            "dark": fleet["dark"].to_numpy(bool)[inside],
            "sog_knots": fleet["sog_knots"].to_numpy(float)[inside],
        }
    )


def _without_ais(
    georef: Georef, ships: pd.DataFrame, world: World, rng: np.random.Generator
) -> pd.DataFrame:
    """2-4 vessels that send no AIS: offshore, apart from every ship, half of them a few km
    from an AIS ship."""
    taken = world.metres(ships["lon"].to_numpy(float), ships["lat"].to_numpy(float))
    ais = taken[~ships["dark"].to_numpy(bool)]
    placed: list[np.ndarray] = []
    for k in range(int(rng.integers(DARK_PER_SCENE[0], DARK_PER_SCENE[1] + 1))):
        candidates = _candidates(georef, world, ais if k % 2 == 0 else np.empty((0, 2)), rng)
        others = np.vstack([taken, *placed]) if len(taken) or placed else np.empty((0, 2))
        if len(others):
            apart = np.linalg.norm(candidates[:, None] - others[None], axis=2).min(axis=1)
            candidates = candidates[apart >= DARK_NEAR_AIS_M[0]]
        if len(candidates):
            placed.append(candidates[:1])
    if not placed:
        return pd.DataFrame(columns=SHIP_COLUMNS)
    lon, lat = world.lonlat(np.vstack(placed))
    length_m = np.round(rng.uniform(15, 70, len(lon)))
    return pd.DataFrame(
        {
            "lon": lon,
            "lat": lat,
            "length_m": length_m,
            "width_m": np.round(length_m / 5),
            "heading_deg": rng.uniform(0, 360, len(lon)),
            "mmsi": pd.array([pd.NA] * len(lon), dtype="Int64"),
            "dark": True,
            "sog_knots": rng.uniform(0, 8, len(lon)),
        }
    )


def _candidates(
    georef: Georef, world: World, near: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Points (metres) offshore inside the scene: around the ships ``near`` (1.5-3 km off
    one of them) when given, anywhere in the scene otherwise."""
    if len(near):
        around = near[rng.integers(len(near), size=64)]
        angle = rng.uniform(0, 2 * np.pi, 64)
        distance = rng.uniform(*DARK_NEAR_AIS_M, 64)
        xy = around + distance[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        lon, lat = georef.lonlat(rng.uniform(0, SCENE_PX, 256), rng.uniform(0, SCENE_PX, 256))
        xy = world.metres(lon, lat)
    lon, lat = world.lonlat(xy)
    keep = _inside(georef, lon, lat, 50.0) & (world.distance_to_land_m(xy) >= DARK_MIN_SHORE_M)
    return xy[keep]


def scene_events(plans: list[ScenePlan]) -> list[dict[str, Any]]:
    """The truth events the scenes add: a ``dark_vessel`` for each dark ship offshore, a
    ``dark_rendezvous`` for each dark ship within 1 km of a slow AIS ship (naming it)."""
    events: list[dict[str, Any]] = []
    for plan in plans:
        ships = plan.ships
        lon, lat = ships["lon"].to_numpy(float), ships["lat"].to_numpy(float)
        dark = ships["dark"].to_numpy(bool)
        slow = ~dark & (ships["sog_knots"].to_numpy(float) < SLOW_KNOTS)
        mmsi = ships["mmsi"].to_numpy(float, na_value=np.nan)
        offshore = dark & (ships["coast_distance_m"].to_numpy(float) >= OFFSHORE_M)
        at = {"start": plan.time_s, "end": plan.time_s, "scene": f"scenes/{plan.file}"}
        for i in np.flatnonzero(offshore):
            where = {"lon": float(lon[i]), "lat": float(lat[i])}
            events.append({"type": "dark_vessel", "mmsi": [], **at, **where})
            gap_m = haversine_m(lon[i], lat[i], lon, lat)
            gap_m[~slow] = np.inf
            nearest = int(np.argmin(gap_m))
            if gap_m[nearest] <= RENDEZVOUS_M:
                named = [int(mmsi[nearest])]
                events.append({"type": "dark_rendezvous", "mmsi": named, **at, **where})
    return events


def write_scenes(plans: list[ScenePlan], world: World, out_dir: Path) -> list[Path]:
    """Render every planned scene into ``out_dir/scenes``, with the land near it; scenes
    an earlier run left there go (they belong to another scenario)."""
    folder = out_dir / "scenes"
    for stale in folder.glob("sar_*.tif"):
        stale.unlink()
    if not plans:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in plans:
        path = folder / plan.file
        write_scene(
            path,
            width=plan.width,
            height=plan.height,
            georef=plan.georef,
            time=pd.Timestamp(plan.time_s, unit="s", tz="UTC").to_pydatetime(),
            ships=plan.ships,
            land=world.land_near(plan.georef.footprint(plan.width, plan.height)),
            seed=plan.seed,
            spacing_m=SPACING_M,
            dtype=plan.dtype,
        )
        written.append(path)
    return written
