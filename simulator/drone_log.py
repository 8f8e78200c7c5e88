"""The scenario's drone flights, as the ground station logged them: ``drone/flight-<n>.tlog``.

A drone is launched from the shore nearest a scenario event (the loitering vessel first,
then a dark rendezvous, an AIS gap or a transfer), flies out, boxes the spot at 500 m and
comes home, timed to be over the spot halfway through the event. It is flown by
:class:`simulator.drone_flight.Flight` and logged at 1 Hz: the autopilot's telemetry
(:func:`simulator.drone_flight.telemetry`), MISSION_ITEM_REACHED as it passes an item, and
the ground station's own heartbeat, each packet behind its time as a ``.tlog`` keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from drone_ops.link import GCS_COMPONENT, GCS_SYSTEM, mavlink
from drone_ops.plan import Cmd, MissionItem, Point
from drone_ops.telemetry.framing import stamp
from simulator.builder import Scenario
from simulator.drone_flight import Flight, telemetry
from simulator.world import World
from surveillance.geodesy import DEG_M, haversine_m
from surveillance.times import iso_utc

__all__ = ["DroneFlight", "FlightLog", "fly", "plan_flights"]

#: the events worth a drone, in the order drones are sent to them
_WORTH_A_LOOK = ("loitering", "dark_rendezvous", "ais_gap", "sts_transfer")
_SPEED_MPS = 25.0  # a fixed-wing VTOL: 40 km out in under half an hour
_BATTERY_MIN = 150.0
_CRUISE_ALT_M = 120.0
_BOX_M = 500.0
_STEP_S = 1.0


@dataclass(frozen=True)
class DroneFlight:
    """One flight: vehicle ``system_id`` from ``home`` over ``items``, from ``start_s``."""

    number: int
    system_id: int
    home: Point
    items: list[MissionItem]
    start_s: float
    event: dict[str, Any]

    @property
    def file(self) -> str:
        return f"drone/flight-{self.number}.tlog"

    def truth(self, end_s: float) -> dict[str, Any]:
        """The flight's entry of truth.json's ``drones``."""
        return {
            "file": self.file,
            "system_id": self.system_id,
            "start": iso_utc(self.start_s),
            "end": iso_utc(end_s),
            "event": self.event["type"],
            "mmsi": self.event["mmsi"],
        }


def _shore(world: World, lon: float, lat: float) -> Point:
    """The point of the coast nearest (lon, lat)."""
    spot = shapely.points(world.metres(np.array([lon]), np.array([lat])))[0]
    nearest = world.land_tree.query_nearest(spot)[0]
    shore = np.asarray(shapely.shortest_line(spot, world.land_m[nearest]).coords[1])
    home_lon, home_lat = world.lonlat(shore)
    return Point(float(home_lat[0]), float(home_lon[0]), 0.0)


def _mission(home: Point, lat: float, lon: float) -> list[MissionItem]:
    """Take off, fly to the spot, box it, come home."""
    d_lat = _BOX_M / DEG_M
    d_lon = _BOX_M / (DEG_M * np.cos(np.radians(lat)))
    corners = [(d_lat, -d_lon), (d_lat, d_lon), (-d_lat, d_lon), (-d_lat, -d_lon), (d_lat, -d_lon)]
    return [
        MissionItem.at(Cmd.NAV_TAKEOFF, home.lat, home.lon, 60.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, _CRUISE_ALT_M),
        *(MissionItem.at(Cmd.NAV_WAYPOINT, lat + a, lon + b, _CRUISE_ALT_M) for a, b in corners),
        MissionItem.at(Cmd.NAV_RETURN_TO_LAUNCH, 0.0, 0.0, 0.0),
    ]


def plan_flights(scenario: Scenario, world: World, count: int) -> list[DroneFlight]:
    """Up to ``count`` flights, one per event worth a look (system ids 1, 2, ...)."""
    events = [e for kind in _WORTH_A_LOOK for e in scenario.truth if e.get("type") == kind]
    flights = []
    for number, event in enumerate(events[:count], start=1):
        home = _shore(world, event["lon"], event["lat"])
        out_s = float(haversine_m(home.lon, home.lat, event["lon"], event["lat"])) / _SPEED_MPS
        over_s = (event["start"] + event["end"]) / 2
        start_s = float(round(max(scenario.start_s, over_s - out_s - 60.0)))
        items = _mission(home, event["lat"], event["lon"])
        flights.append(DroneFlight(number, number, home, items, start_s, event))
    return flights


@dataclass(frozen=True)
class FlightLog:
    """A flight as flown: its ``.tlog`` bytes and when it ended."""

    flight: DroneFlight
    data: bytes
    end_s: float

    def truth(self) -> dict[str, Any]:
        """The flight's entry of truth.json's ``drones``."""
        return self.flight.truth(self.end_s)

    def write(self, out_dir: Path) -> Path:
        path = out_dir / self.flight.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.data)
        return path


def fly(flight: DroneFlight) -> FlightLog:
    """Fly ``flight`` to its end (back home), logging every second."""
    vehicle = mavlink.MAVLink(None, flight.system_id, 1)
    ground = mavlink.MAVLink(None, GCS_SYSTEM, GCS_COMPONENT)
    flying = Flight(
        flight.system_id, flight.home, flight.items, speed_mps=_SPEED_MPS, battery_min=_BATTERY_MIN
    )
    flying.start()
    records: list[bytes] = []
    now_s = flight.start_s
    while flying.state.flying:
        gcs = ground.heartbeat_encode(
            mavlink.MAV_TYPE_GCS, mavlink.MAV_AUTOPILOT_INVALID, 0, 0, mavlink.MAV_STATE_ACTIVE
        )
        messages = [gcs, *telemetry(vehicle, flying.state)]
        messages += [vehicle.mission_item_reached_encode(seq) for seq in flying.step(_STEP_S)]
        for i, message in enumerate(messages):
            sender = ground if message is gcs else vehicle
            records.append(stamp(now_s + i * 0.002, bytes(message.pack(sender))))
        now_s += _STEP_S
    return FlightLog(flight, b"".join(records), now_s)
