"""Where a vessel will be when the drone gets there, and the mission that meets it.

:func:`predict_position` dead-reckons a vessel from its last AIS reports (its reported speed
and course, or a straight-line fit over its last reports when AIS says "not available"),
with an uncertainty that grows with the time since it was last heard. :func:`solve_arrival`
finds when a drone leaving home at a given time, at its cruise speed corrected for the wind
(the wind triangle), reaches that moving point: a fixed-point iteration on the arrival time,
which converges in a few steps whenever the drone is faster than the vessel.
:func:`plan_intercept` builds the mission from it: an orbit or a short expanding-square
search where the drone meets the vessel (or, for an alert without AIS, where it was seen).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

import numpy as np
import pandas as pd

from drone_ops.finish import finish_plan
from drone_ops.patterns import expanding_square, orbit
from drone_ops.plan import Camera, FlightSetup, MissionItem, Plan, PlanRefused, Point
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M, KNOT_MS, haversine_m
from surveillance.times import iso_utc

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = [
    "Arrival",
    "Prediction",
    "Target",
    "intercept_target",
    "plan_intercept",
    "ground_speed_mps",
    "predict_position",
    "solve_arrival",
]

#: AIS's "not available": speed 102.3 kn, course 360 deg (and anything beyond)
SOG_UNAVAILABLE_KNOTS = 102.3
COG_UNAVAILABLE_DEG = 360.0
#: a fresh report's position error (GNSS, antenna offset, the time it took to arrive)
BASE_UNCERTAINTY_M = 100.0
#: what the vessel may do that its course and speed do not say: turn, slow, speed up
UNCERTAINTY_GROWTH_MPS = 0.5
UNCERTAINTY_SPEED_SHARE = 0.1
#: the reports a fit uses when SOG/COG are missing: the last few, within this long
FIT_REPORTS = 5
FIT_SPAN_S = 1800.0
#: the arrival iteration: stop when the time moves less than this, give up after so many
ARRIVAL_TOLERANCE_S = 1.0
ARRIVAL_MAX_STEPS = 50
#: what is flown where the drone meets the vessel
PATTERNS = ("orbit", "expanding-square")
MIN_ORBIT_RADIUS_M = 100.0
ORBIT_TURNS = 3.0
#: a short search: 4 to 24 legs, tracks at least so far apart, in this share of the
#: battery time left once there and back (the rest: the way home from the pattern's end)
MIN_SEARCH_LEGS = 4
MAX_SEARCH_LEGS = 24
MIN_SPACING_M = 50.0
SEARCH_SHARE = 0.7
#: a vessel's reports are read from this long before now
LOOKBACK_H = 6
#: how fast a vessel of unknown course may have gone from where an alert saw it (5 kn)
DARK_DRIFT_MPS = 2.5


@dataclass(frozen=True, slots=True)
class Prediction:
    """A vessel's place at a time: where, how far off it may be, and from which report."""

    lon: float
    lat: float
    uncertainty_m: float
    from_report_ts: datetime
    speed_mps: float = 0.0  # the velocity the prediction used
    course_deg: float = 0.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """When and where the drone meets the vessel, and what it costs to get there."""

    at: datetime
    prediction: Prediction
    transit_s: float
    distance_m: float
    ground_speed_mps: float
    steps: int


def _east_north_m(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Metres east and north of (lon0, lat0) in a local flat frame (fine over tens of km)."""
    east = (lon - lon0) * DEG_M * math.cos(math.radians(lat0))
    return np.stack([east, (lat - lat0) * DEG_M], axis=-1)


def _lon_lat(east_m: float, north_m: float, lon0: float, lat0: float) -> tuple[float, float]:
    return lon0 + east_m / (DEG_M * math.cos(math.radians(lat0))), lat0 + north_m / DEG_M


def _frame(reports: pd.DataFrame) -> pd.DataFrame:
    """The reports as ``ts, lon, lat, sog_knots, cog_deg`` (a store frame's geometry read),
    oldest first."""
    if reports.empty:
        raise InputError("no AIS reports to predict the vessel from")
    if "lon" in reports.columns and "lat" in reports.columns:
        lon, lat = reports["lon"].to_numpy(float), reports["lat"].to_numpy(float)
    else:
        lon, lat = reports.geometry.x.to_numpy(float), reports.geometry.y.to_numpy(float)
    nothing = pd.Series(np.nan, index=reports.index)
    frame = pd.DataFrame(
        {
            "ts": pd.to_datetime(reports["ts"], utc=True),
            "lon": lon,
            "lat": lat,
            "sog_knots": pd.to_numeric(reports.get("sog_knots", nothing), errors="coerce"),
            "cog_deg": pd.to_numeric(reports.get("cog_deg", nothing), errors="coerce"),
        }
    )
    return frame.sort_values("ts", kind="stable").reset_index(drop=True)


def _velocity_mps(frame: pd.DataFrame) -> tuple[float, float]:
    """East and north speed of the vessel: its last report's SOG/COG, else a least-squares
    line through its last few reports (a single report without them: standing still)."""
    last = frame.iloc[-1]
    sog, cog = float(last["sog_knots"]), float(last["cog_deg"])
    if math.isfinite(sog) and sog < SOG_UNAVAILABLE_KNOTS:
        if sog == 0.0:
            return 0.0, 0.0
        if math.isfinite(cog) and 0.0 <= cog < COG_UNAVAILABLE_DEG:
            speed = sog * KNOT_MS
            return speed * math.sin(math.radians(cog)), speed * math.cos(math.radians(cog))
    recent = frame[frame["ts"] >= last["ts"] - timedelta(seconds=FIT_SPAN_S)].tail(FIT_REPORTS)
    t_s = (recent["ts"] - last["ts"]).dt.total_seconds().to_numpy(float)
    if len(recent) < 2 or np.ptp(t_s) <= 0:
        return 0.0, 0.0
    xy = _east_north_m(
        recent["lon"].to_numpy(float),
        recent["lat"].to_numpy(float),
        float(last["lon"]),
        float(last["lat"]),
    )
    slope = np.polyfit(t_s, xy, 1)[0]
    return float(slope[0]), float(slope[1])


def predict_position(reports: pd.DataFrame, at: datetime) -> Prediction:
    """The vessel at ``at`` from its reports (``ts, lon, lat`` or a geometry, ``sog_knots``,
    ``cog_deg``, as ``store.positions`` gives them): constant velocity from the last report,
    the uncertainty growing with the time since it (and with the distance run)."""
    frame = _frame(reports)
    last = frame.iloc[-1]
    east_mps, north_mps = _velocity_mps(frame)
    dt_s = (pd.Timestamp(at) - last["ts"]).total_seconds()
    lon, lat = _lon_lat(east_mps * dt_s, north_mps * dt_s, float(last["lon"]), float(last["lat"]))
    speed = math.hypot(east_mps, north_mps)
    grown = abs(dt_s) * (UNCERTAINTY_GROWTH_MPS + UNCERTAINTY_SPEED_SHARE * speed)
    return Prediction(
        lon=lon,
        lat=lat,
        uncertainty_m=BASE_UNCERTAINTY_M + grown,
        from_report_ts=last["ts"].to_pydatetime(),
        speed_mps=speed,
        course_deg=math.degrees(math.atan2(east_mps, north_mps)) % 360.0,
    )


def _bearing_deg(a: Point, lon: float, lat: float) -> float:
    """The initial great-circle bearing from ``a`` to (lon, lat), clockwise from north."""
    p1, p2 = math.radians(a.lat), math.radians(lat)
    dlon = math.radians(lon - a.lon)
    y = math.sin(dlon) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dlon)
    return math.degrees(math.atan2(y, x)) % 360.0


def ground_speed_mps(setup: FlightSetup, track_deg: float) -> float:
    """The drone's speed over the ground along ``track_deg`` at its cruise airspeed in the
    setup's wind (the wind triangle: the drone crabs into the cross wind and is helped or
    held back by the rest); 0 when the wind is too strong to hold that track."""
    airspeed = setup.cruise_speed_mps
    if setup.wind_from_deg is None or setup.wind_mps <= 0:
        return airspeed
    # the wind blows towards wind_from + 180: its component along the track and across it
    angle = math.radians(setup.wind_from_deg + 180.0 - track_deg)
    along, across = setup.wind_mps * math.cos(angle), setup.wind_mps * math.sin(angle)
    if abs(across) >= airspeed:
        return 0.0
    return max(0.0, along + math.sqrt(airspeed**2 - across**2))


def solve_arrival(
    setup: FlightSetup,
    launch: datetime,
    predict: Callable[[datetime], Prediction],
) -> Arrival:
    """When the drone, leaving ``setup.home`` at ``launch``, reaches the vessel ``predict``
    places: ``t = launch + transit(predict(t))`` iterated from ``t = launch``. Refused
    (:class:`PlanRefused`) when the vessel outruns the drone or the wind holds it back."""
    home, at = setup.home, launch
    for step in range(1, ARRIVAL_MAX_STEPS + 1):
        where = predict(at)
        distance_m = float(haversine_m(home.lon, home.lat, where.lon, where.lat))
        speed = ground_speed_mps(setup, _bearing_deg(home, where.lon, where.lat))
        if speed <= 0:
            raise PlanRefused(
                "wind",
                f"{setup.wind_mps:g} m/s from {setup.wind_from_deg:g} deg holds a "
                f"{setup.cruise_speed_mps:g} m/s drone back on its way to the vessel",
                Point(where.lat, where.lon),
            )
        if speed <= where.speed_mps:
            # the contraction fails: the drone cannot gain on the vessel everywhere
            _outrun(where, speed)
        transit_s = distance_m / speed
        arrival = launch + timedelta(seconds=transit_s)
        moved_s = abs((arrival - at).total_seconds())
        at = arrival
        if moved_s < ARRIVAL_TOLERANCE_S:
            return Arrival(arrival, predict(arrival), transit_s, distance_m, speed, step)
    _outrun(predict(at), speed)


def _outrun(where: Prediction, speed_mps: float) -> NoReturn:
    raise PlanRefused(
        "intercept",
        f"the vessel ({where.speed_mps:.1f} m/s) outruns the drone "
        f"({speed_mps:.1f} m/s over the ground)",
        Point(where.lat, where.lon),
    )


@dataclass(frozen=True)
class Target:
    """What the drone is sent to: a vessel predicted from its AIS (``mmsi``), or, for an
    alert without AIS (a dark vessel), the place and time the alert saw it, the
    uncertainty growing with its age (``dark``: a search, not an orbit)."""

    predict: Callable[[datetime], Prediction]
    mmsi: int | None
    alert_id: str | None
    dark: bool


def _reports(store: Store, mmsi: int, now: datetime) -> pd.DataFrame:
    """The vessel's reports of the last :data:`LOOKBACK_H` hours before ``now``."""
    since = now - timedelta(hours=LOOKBACK_H)
    return store.positions(window=(since, now + timedelta(microseconds=1)), mmsi=[mmsi])


def _seen_there(lon: float, lat: float, seen: datetime) -> Callable[[datetime], Prediction]:
    """A vessel of unknown course last seen at (lon, lat) at ``seen``: it may be anywhere
    within a circle that grows at :data:`DARK_DRIFT_MPS`."""

    def predict(at: datetime) -> Prediction:
        age_s = max(0.0, (at - seen).total_seconds())
        return Prediction(lon, lat, BASE_UNCERTAINTY_M + age_s * DARK_DRIFT_MPS, seen)

    return predict


def intercept_target(
    store: Store, *, alert_id: str | None = None, mmsi: int | None = None, now: datetime
) -> Target:
    """The vessel of ``mmsi``, or of the alert (its vessel heard last before ``now``; the
    alert's place and time when it names none, or none was heard)."""
    if (alert_id is None) == (mmsi is None):
        raise InputError("give an alert or an MMSI to intercept (one of them)")
    if mmsi is not None:
        reports = _reports(store, mmsi, now)
        if reports.empty:
            raise InputError(f"no AIS reports of MMSI {mmsi} in the {LOOKBACK_H} h before now")
        return Target(lambda at: predict_position(reports, at), mmsi, None, dark=False)
    alert = store.alert(str(alert_id))
    if alert is None:
        raise InputError(f"no alert {alert_id!r}")
    heard = [(int(m), _reports(store, int(m), now)) for m in alert["mmsi"] or ()]
    heard = [(m, r) for m, r in heard if not r.empty]
    if heard:
        vessel, reports = max(heard, key=lambda found: found[1]["ts"].max())
        return Target(
            lambda at: predict_position(reports, at), vessel, str(alert["id"]), dark=False
        )
    seen = alert["end"] if alert["end"] is not None else alert["start"]
    return Target(
        _seen_there(float(alert["lon"]), float(alert["lat"]), pd.Timestamp(seen).to_pydatetime()),
        None,
        str(alert["id"]),
        dark=True,
    )


def _search(
    centre: Point, uncertainty_m: float, setup: FlightSetup, spare_s: float
) -> list[MissionItem]:
    """A short expanding square over the circle of uncertainty, tracks a camera footprint
    apart (the default camera's ground width at the setup's altitude): as many legs as cover
    the circle, at most :data:`MAX_SEARCH_LEGS` and as many as :data:`SEARCH_SHARE` of the
    battery's ``spare_s`` flies."""
    camera = Camera()
    across_m = camera.sensor_width_mm / camera.focal_length_mm * setup.altitude_m
    spacing_m = max(MIN_SPACING_M, across_m)
    budget_m = SEARCH_SHARE * spare_s * setup.cruise_speed_mps
    legs, flown_m = 0, 0.0
    wanted = min(MAX_SEARCH_LEGS, max(MIN_SEARCH_LEGS, math.ceil(4 * uncertainty_m / spacing_m)))
    while legs < wanted:
        leg_m = (legs // 2 + 1) * spacing_m  # the pattern's leg k
        if legs >= MIN_SEARCH_LEGS and flown_m + leg_m > budget_m:
            break
        legs, flown_m = legs + 1, flown_m + leg_m
    return expanding_square(centre, spacing_m=spacing_m, legs=legs, alt_m=setup.altitude_m)


def _spare_s(setup: FlightSetup, arrival: Arrival) -> float:
    """The battery time left for the pattern once there and back (against the wind as it
    is); refused when none is left."""
    where = arrival.prediction
    back_deg = (_bearing_deg(setup.home, where.lon, where.lat) + 180.0) % 360.0
    back_mps = ground_speed_mps(setup, back_deg)
    usable_s = (setup.limits.endurance_min - setup.limits.reserve_min) * 60.0
    round_trip_s = arrival.transit_s + (arrival.distance_m / back_mps if back_mps > 0 else math.inf)
    if round_trip_s > usable_s:
        raise PlanRefused(
            "endurance",
            f"the vessel is met {arrival.distance_m / 1000:.1f} km out; there and back takes "
            f"{round_trip_s / 60:.0f} min of the {usable_s / 60:.0f} the battery gives",
            Point(where.lat, where.lon),
        )
    return usable_s - round_trip_s


def plan_intercept(
    store: Store,
    setup: FlightSetup,
    *,
    alert_id: str | None = None,
    mmsi: int | None = None,
    pattern: str = "orbit",
    now: datetime | None = None,
) -> Plan:
    """A mission to where the vessel (of ``mmsi``, or of the alert) will be when the drone
    gets there, leaving at the setup's planned start (or ``now``): an orbit over it (radius
    the prediction's uncertainty, at least :data:`MIN_ORBIT_RADIUS_M`) or a short
    expanding-square search; a vessel without AIS is always searched for."""
    if pattern not in PATTERNS:
        raise InputError(f"an intercept's pattern is one of {', '.join(PATTERNS)}")
    now = now or datetime.now(UTC)
    launch = setup.planned_start or now
    target = intercept_target(store, alert_id=alert_id, mmsi=mmsi, now=now)
    arrival = solve_arrival(setup, launch, target.predict)
    spare_s = _spare_s(setup, arrival)
    where = arrival.prediction
    centre = Point(where.lat, where.lon, setup.altitude_m)
    searched = target.dark or pattern == "expanding-square"
    if searched:
        items = _search(centre, where.uncertainty_m, setup, spare_s)
    else:
        radius_m = max(MIN_ORBIT_RADIUS_M, where.uncertainty_m)
        items = orbit(centre, radius_m=radius_m, turns=ORBIT_TURNS, alt_m=setup.altitude_m)
    meta = {
        "alert_id": target.alert_id,
        "mmsi": target.mmsi,
        "predicted_lon": round(where.lon, 7),
        "predicted_lat": round(where.lat, 7),
        "arrival": iso_utc(arrival.at),
        "uncertainty_m": round(where.uncertainty_m, 1),
        "from_report": iso_utc(where.from_report_ts),
        "pattern": "expanding-square" if searched else "orbit",
    }
    named = f"MMSI {target.mmsi}" if target.mmsi is not None else f"alert {target.alert_id}"
    timed = replace(setup, planned_start=launch)
    return finish_plan(f"intercept {named}", "intercept", items, timed, meta=meta)
