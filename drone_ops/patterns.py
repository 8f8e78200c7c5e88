"""IAMSAR search patterns (IAMSAR Manual vol. II, section 5) and an orbit over a point.

- expanding square (SS): from the datum, legs of 1, 1, 2, 2, 3, 3, ... track spacings,
  turning right 90 degrees after each;
- sector (VS): three triangles through the datum, legs of the search radius, 120 degree
  right turns, straight on through the datum; 9 legs, the corners on six radials 60 degrees
  apart, back at the datum at the end;
- orbit: a waypoint over the centre then ``NAV_LOITER_TURNS`` around it.

Legs are laid in a local azimuthal equidistant frame centred on the datum.
"""

from __future__ import annotations

import math

from drone_ops.finish import finish_plan
from drone_ops.local import LocalFrame
from drone_ops.plan import Cmd, FlightSetup, MissionItem, Plan, Point

__all__ = ["expanding_square", "orbit", "plan_expanding_square", "plan_sector", "sector"]


def _walk(centre: Point, legs: list[tuple[float, float]], alt_m: float) -> list[MissionItem]:
    """Waypoints from ``centre`` along ``legs`` ((bearing_deg, length_m), ...)."""
    frame = LocalFrame(centre.lat, centre.lon)
    x = y = 0.0
    items = [MissionItem.at(Cmd.NAV_WAYPOINT, centre.lat, centre.lon, alt_m)]
    for bearing_deg, length_m in legs:
        x += length_m * math.sin(math.radians(bearing_deg))
        y += length_m * math.cos(math.radians(bearing_deg))
        # the datum itself is the centre's exact integers, not a round trip through the frame
        lon, lat = (centre.lon, centre.lat) if math.hypot(x, y) < 1e-6 else frame.lonlat(x, y)
        items.append(MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, alt_m))
    return items


def expanding_square(
    centre: Point, *, spacing_m: float, legs: int, first_leg_deg: float = 0.0, alt_m: float
) -> list[MissionItem]:
    """The datum then ``legs`` waypoints: leg k (from 0) is (k // 2 + 1) x ``spacing_m``
    long, on ``first_leg_deg`` + 90 k."""
    return _walk(
        centre,
        [((first_leg_deg + 90.0 * k) % 360.0, (k // 2 + 1) * spacing_m) for k in range(legs)],
        alt_m,
    )


def sector(
    centre: Point, *, radius_m: float, first_leg_deg: float = 0.0, alt_m: float
) -> list[MissionItem]:
    """The datum then the 9 waypoints of a sector search of ``radius_m``."""
    bearings = []
    heading = first_leg_deg
    for leg in range(9):
        bearings.append(heading % 360.0)
        if leg % 3 != 2:  # straight on through the datum, 120 degrees right elsewhere
            heading += 120.0
    return _walk(centre, [(b, radius_m) for b in bearings], alt_m)


def orbit(centre: Point, *, radius_m: float, turns: float, alt_m: float) -> list[MissionItem]:
    """A waypoint over ``centre``, then ``turns`` turns of ``radius_m`` around it (a positive
    radius circles clockwise)."""
    return [
        MissionItem.at(Cmd.NAV_WAYPOINT, centre.lat, centre.lon, alt_m),
        MissionItem.at(Cmd.NAV_LOITER_TURNS, centre.lat, centre.lon, alt_m, turns, 0.0, radius_m),
    ]


def plan_expanding_square(
    centre: Point,
    setup: FlightSetup,
    *,
    spacing_m: float = 200.0,
    legs: int = 12,
    first_leg_deg: float = 0.0,
    name: str = "expanding-square",
) -> Plan:
    """An expanding square search around ``centre`` at the setup's altitude, finished."""
    items = expanding_square(
        centre, spacing_m=spacing_m, legs=legs, first_leg_deg=first_leg_deg, alt_m=setup.altitude_m
    )
    meta = {"datum": [centre.lat, centre.lon], "spacing_m": spacing_m, "legs": legs}
    return finish_plan(name, "expanding_square", items, setup, meta=meta)


def plan_sector(
    centre: Point,
    setup: FlightSetup,
    *,
    radius_m: float = 1000.0,
    first_leg_deg: float = 0.0,
    name: str = "sector",
) -> Plan:
    """A sector search around ``centre`` at the setup's altitude, finished."""
    items = sector(centre, radius_m=radius_m, first_leg_deg=first_leg_deg, alt_m=setup.altitude_m)
    meta = {"datum": [centre.lat, centre.lon], "radius_m": radius_m}
    return finish_plan(name, "sector", items, setup, meta=meta)
