"""Two missions that would bring their drones too close: flagged before one is uploaded.

Each path is put in time (a plan: its legs at cruise speed from its planned start, home to
home; a stored mission: uniformly along its route between its planned start and end) and
sampled every few metres; the samples of two paths are paired with a k-d tree in a local
metric frame scaled so that one unit is the separation, the vertical separation and the
time margin, under the maximum norm, and the pairs within the horizontal separation are
conflicts. A mission without planned times has no time to compare: it conflicts on place
(and height) alone, and the conflict says so.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from drone_ops.plan import Cmd, Plan, PlanRefused, Point
from surveillance.geodesy import DEG_M
from surveillance.times import iso_utc

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["Conflict", "check_upload", "conflicts", "plan_window"]

#: a path is sampled this often (at 15 m/s, about once a second)
SAMPLE_M = 15.0
#: missions in these states fly no more
_DONE = ("aborted", "flown")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Where and when a plan comes closest to another mission within the separations;
    ``when`` is None when either has no planned times (the conflict is by place alone)."""

    mission_id: int | None
    name: str
    where: Point
    when: datetime | None
    distance_m: float
    vertical_m: float

    def describe(self) -> str:
        """One line: how close, to which mission, when."""
        when = (
            "(no planned times: by place alone)"
            if self.when is None
            else iso_utc(self.when.replace(microsecond=0))
        )
        which = self.name if self.mission_id is None else f"{self.mission_id} ({self.name})"
        return (
            f"{self.distance_m:.0f} m apart ({self.vertical_m:.0f} m in height) from "
            f"mission {which}, {when}"
        )


@dataclass(frozen=True)
class _Track:
    """A path in space and time: lon, lat, altitude above sea (or a common datum), seconds
    from the epoch (None: not planned in time)."""

    lon: np.ndarray
    lat: np.ndarray
    alt_m: np.ndarray
    t_s: np.ndarray | None


def _sample(vertices: np.ndarray, start_s: float | None, duration_s: float | None) -> _Track:
    """Points every :data:`SAMPLE_M` along the polyline (lon, lat, alt) with their times,
    uniformly from ``start_s`` over ``duration_s``."""
    lon0, lat0 = float(vertices[0, 0]), float(vertices[0, 1])
    east = (vertices[:, 0] - lon0) * DEG_M * math.cos(math.radians(lat0))
    north = (vertices[:, 1] - lat0) * DEG_M
    run = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(east), np.diff(north)))])
    total = float(run[-1])
    at = np.linspace(0.0, total, max(2, math.ceil(total / SAMPLE_M) + 1))
    times = None
    if start_s is not None and duration_s is not None:
        times = start_s + (at / total * duration_s if total > 0 else np.zeros_like(at))
    return _Track(
        np.interp(at, run, vertices[:, 0]),
        np.interp(at, run, vertices[:, 1]),
        np.interp(at, run, vertices[:, 2]),
        times,
    )


def plan_window(plan: Plan) -> tuple[datetime, datetime] | None:
    """When the plan flies: its planned start to the end of its legs at cruise speed (its
    statistics' flight time when it has them); None when it has no planned start."""
    if plan.planned_start is None:
        return None
    return plan.planned_start, plan.planned_start + timedelta(seconds=_duration_s(plan))


def _vertices(plan: Plan) -> np.ndarray:
    """The plan's path (lon, lat, altitude above home's datum), home on the ground at both
    ends when it returns to launch."""
    path = plan.path()
    points = [Point(path[0].lat, path[0].lon, 0.0), *path[1:]]
    items = plan.mission_items()
    if items and items[-1].command == Cmd.NAV_RETURN_TO_LAUNCH:
        points.append(points[0])
    return np.array([(p.lon, p.lat, plan.home.alt_m + p.alt_m) for p in points], dtype=float)


def _duration_s(plan: Plan) -> float:
    if plan.stats is not None and plan.stats.flight_time_s > 0:
        return float(plan.stats.flight_time_s)
    vertices = _vertices(plan)
    lon0, lat0 = vertices[0, 0], vertices[0, 1]
    east = (vertices[:, 0] - lon0) * DEG_M * math.cos(math.radians(lat0))
    north = (vertices[:, 1] - lat0) * DEG_M
    return float(np.hypot(np.diff(east), np.diff(north)).sum()) / plan.cruise_speed_mps


def _plan_track(plan: Plan) -> _Track:
    window = plan_window(plan)
    start = None if window is None else window[0].timestamp()
    return _sample(_vertices(plan), start, _duration_s(plan))


def _stored_track(row: dict[str, Any], route: Any) -> _Track | None:
    """A stored mission's route in time: the first vertex (home) on the ground."""
    if route is None or route.is_empty:
        return None
    vertices = np.array(route.coords, dtype=float)
    if vertices.shape[1] < 3:
        vertices = np.column_stack([vertices, np.zeros(len(vertices))])
    vertices[0, 2] = 0.0
    home_alt = row.get("home_alt_m")
    vertices[:, 2] += 0.0 if home_alt is None or pd.isna(home_alt) else float(home_alt)
    start, end = row.get("planned_start"), row.get("planned_end")
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return _sample(vertices, None, None)
    start_s = pd.Timestamp(start).timestamp()
    return _sample(vertices, start_s, pd.Timestamp(end).timestamp() - start_s)


def _closest(
    mine: _Track,
    theirs: _Track,
    separation_m: float,
    vertical_m: float,
    margin_s: float,
) -> tuple[int, int, float] | None:
    """The pair of samples (mine, theirs) within every separation with the smallest
    horizontal distance, and that distance; None when no pair is."""
    lon0, lat0 = float(mine.lon[0]), float(mine.lat[0])

    def scaled(track: _Track, timed: bool) -> np.ndarray:
        east = (track.lon - lon0) * DEG_M * math.cos(math.radians(lat0)) / separation_m
        north = (track.lat - lat0) * DEG_M / separation_m
        columns = [east, north, track.alt_m / vertical_m]
        if timed and track.t_s is not None:
            columns.append((track.t_s - mine.t_s[0]) / margin_s)  # type: ignore[index]
        return np.column_stack(columns)

    timed = mine.t_s is not None and theirs.t_s is not None
    a, b = scaled(mine, timed), scaled(theirs, timed)
    pairs = cKDTree(a).query_ball_tree(cKDTree(b), r=1.0, p=np.inf)
    best: tuple[int, int, float] | None = None
    for i, found in enumerate(pairs):
        if not found:
            continue
        j = np.asarray(found)
        horizontal_m = np.hypot(b[j, 0] - a[i, 0], b[j, 1] - a[i, 1]) * separation_m
        k = int(np.argmin(horizontal_m))
        if horizontal_m[k] <= separation_m and (best is None or horizontal_m[k] < best[2]):
            best = (i, int(j[k]), float(horizontal_m[k]))
    return best


def conflicts(
    plan: Plan,
    others: gpd.GeoDataFrame,
    *,
    separation_m: float = 300.0,
    vertical_m: float = 30.0,
    margin_s: float = 120.0,
) -> list[Conflict]:
    """The stored missions (``others`` as ``store.missions`` gives them) whose drones come
    within ``separation_m`` horizontally and ``vertical_m`` vertically of the plan's at
    times within ``margin_s`` of each other: one conflict each, at their closest."""
    mine = _plan_track(plan)
    found = []
    for row, route in zip(others.to_dict("records"), others.geometry, strict=True):
        theirs = _stored_track(row, route)
        if theirs is None:
            continue
        closest = _closest(mine, theirs, separation_m, vertical_m, margin_s)
        if closest is None:
            continue
        i, j, distance_m = closest
        timed = mine.t_s is not None and theirs.t_s is not None
        when = (
            datetime.fromtimestamp(float(mine.t_s[i]), tz=plan.planned_start.tzinfo)  # type: ignore[index,union-attr]
            if timed
            else None
        )
        found.append(
            Conflict(
                mission_id=None if pd.isna(row.get("id")) else int(row["id"]),
                name=str(row.get("name") or ""),
                where=Point(float(mine.lat[i]), float(mine.lon[i]), float(mine.alt_m[i])),
                when=when,
                distance_m=distance_m,
                vertical_m=abs(float(mine.alt_m[i] - theirs.alt_m[j])),
            )
        )
    return sorted(found, key=lambda c: c.distance_m)


def _overlapping(missions: pd.DataFrame, window: tuple[datetime, datetime] | None) -> pd.DataFrame:
    """Missions still to fly whose planned window overlaps ``window`` (those without planned
    times always: they may fly whenever)."""
    active = missions[~missions["status"].isin(_DONE)]
    if window is None:
        return active
    start = pd.to_datetime(active["planned_start"], utc=True)
    end = pd.to_datetime(active["planned_end"], utc=True)
    untimed = start.isna() | end.isna()
    overlaps = (start <= pd.Timestamp(window[1])) & (end >= pd.Timestamp(window[0]))
    return active[untimed | overlaps]


def check_upload(
    store: Store,
    plan: Plan,
    *,
    force: bool = False,
    exclude: Collection[int] = (),
    separation_m: float = 300.0,
    vertical_m: float = 30.0,
    margin_s: float = 120.0,
) -> list[Conflict]:
    """The conflicts of ``plan`` with the stored missions still to fly in its time (not
    the ones in ``exclude``: the plan's own row); refused with the closest one unless
    ``force``, when they are returned for the caller to warn about."""
    stored = store.missions()
    stored = stored[~stored["id"].isin(list(exclude))]
    others = _overlapping(stored, plan_window(plan))
    found = conflicts(
        plan, others, separation_m=separation_m, vertical_m=vertical_m, margin_s=margin_s
    )
    if found and not force:
        more = "" if len(found) == 1 else f" (and {len(found) - 1} more)"
        raise PlanRefused("deconfliction", found[0].describe() + more, found[0].where)
    return found
