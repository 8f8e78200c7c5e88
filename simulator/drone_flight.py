"""A simulated drone flying a mission, and the telemetry it sends.

:class:`Flight` flies the mission items with a position in straight legs at the cruise speed
(takeoff climbs where it stands, a loiter holds for its time or turns), passes an item inside
the acceptance radius, and drains the battery with time. :func:`telemetry` encodes its state
as an autopilot does: HEARTBEAT, GLOBAL_POSITION_INT, SYS_STATUS, BATTERY_STATUS and
MISSION_CURRENT. The vehicle (``simulator/vehicle.py``) sends these over a socket; the
scenario writes them into a ``.tlog``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from drone_ops.link import mavlink
from drone_ops.plan import Cmd, MissionItem, Point, to_e7
from surveillance.geodesy import DEG_M, haversine_m

__all__ = ["ACCEPT_RADIUS_M", "Flight", "VehicleState", "telemetry"]

ACCEPT_RADIUS_M = 2.0
_CLIMB_MPS = 3.0
_PX4_AUTO_MISSION = (4 << 16) | (4 << 24)  # PX4 custom mode: main AUTO, sub MISSION
_COPTER_AUTO = 3  # ArduCopter's custom mode AUTO
#: the heartbeat's autopilot and custom mode (flying a mission) of each firmware
_AUTOPILOTS = {
    "px4": (mavlink.MAV_AUTOPILOT_PX4, _PX4_AUTO_MISSION),
    "ardupilot": (mavlink.MAV_AUTOPILOT_ARDUPILOTMEGA, _COPTER_AUTO),
}


@dataclass(frozen=True, slots=True)
class VehicleState:
    """What the vehicle knows of itself at ``time_s`` (seconds since boot)."""

    system_id: int
    time_s: float
    lat: float
    lon: float
    alt_m: float  # above home
    home: Point
    heading_deg: float = 0.0
    groundspeed_mps: float = 0.0
    battery_pct: float = 100.0
    mission_seq: int = 0
    armed: bool = False
    flying: bool = False  # False before start and after the last item


class Flight:
    """Flies ``items`` from ``home`` at ``speed_mps``; ``battery_min`` is full-to-empty time."""

    def __init__(
        self,
        system_id: int,
        home: Point,
        items: Sequence[MissionItem] = (),
        *,
        speed_mps: float = 15.0,
        battery_min: float = 30.0,
    ) -> None:
        self.items = list(items)
        self.speed_mps, self.battery_min = speed_mps, battery_min
        self.state = VehicleState(system_id, 0.0, home.lat, home.lon, 0.0, home)
        self._held_s = 0.0

    def load(self, items: Sequence[MissionItem]) -> None:
        """A new mission (an upload): the vehicle starts it from item 0 when told."""
        self.items = list(items)
        self.state = replace(self.state, mission_seq=0, flying=False)

    def arm(self, armed: bool = True) -> None:
        """Arm or disarm (as ``MAV_CMD_COMPONENT_ARM_DISARM``); disarmed, it stops flying."""
        self.state = replace(self.state, armed=armed, flying=self.state.flying and armed)

    def start(self, seq: int = 0) -> None:
        self.state = replace(self.state, mission_seq=seq, armed=True, flying=bool(self.items))

    def step(self, dt_s: float) -> list[int]:
        """Advance ``dt_s`` seconds; return the items reached on the way (in order)."""
        s = self.state
        battery = max(
            0.0, s.battery_pct - (100.0 * dt_s / 60.0 / self.battery_min if s.armed else 0.0)
        )
        self.state = s = replace(s, time_s=s.time_s + dt_s, battery_pct=battery)
        reached: list[int] = []
        budget_s = dt_s
        while s.flying and budget_s > 0 and s.mission_seq < len(self.items):
            item = self._target(self.items[s.mission_seq])
            budget_s = self._fly_towards(item, budget_s)
            s = self.state
            if budget_s >= 0 and self._at(item):
                reached.append(s.mission_seq)
                self._held_s = 0.0
                s = self.state = replace(s, mission_seq=s.mission_seq + 1)
        if s.mission_seq >= len(self.items):
            self.state = replace(s, flying=False, groundspeed_mps=0.0)
        return reached

    def _target(self, item: MissionItem) -> MissionItem:
        """Return-to-launch flies home at the altitude it has; other items are their own."""
        if item.command != Cmd.NAV_RETURN_TO_LAUNCH:
            return item
        home = self.state.home
        return MissionItem.at(Cmd.NAV_WAYPOINT, home.lat, home.lon, self.state.alt_m)

    def _at(self, item: MissionItem) -> bool:
        if item.command == Cmd.NAV_TAKEOFF:  # climbs where it stands, wherever the item says
            return self.state.alt_m >= item.z - 0.01
        if item.command in (Cmd.NAV_LOITER_TIME, Cmd.NAV_LOITER_TURNS):
            return self._held_s >= _hold_s(item, self.speed_mps)
        return not item.has_position or self._distance_m(item) <= ACCEPT_RADIUS_M

    def _distance_m(self, item: MissionItem) -> float:
        s = self.state
        return float(haversine_m(s.lon, s.lat, item.lon, item.lat))

    def _fly_towards(self, item: MissionItem, budget_s: float) -> float:
        """Move towards ``item`` for at most ``budget_s``; return the time left over (-1: the
        budget ran out on the way)."""
        s = self.state
        if item.command == Cmd.NAV_TAKEOFF:
            climb = min(item.z - s.alt_m, _CLIMB_MPS * budget_s)
            self.state = replace(s, alt_m=s.alt_m + climb)
            return budget_s - climb / _CLIMB_MPS if self.state.alt_m >= item.z - 0.01 else -1
        if not item.has_position:
            return budget_s
        distance = self._distance_m(item)
        if distance <= ACCEPT_RADIUS_M:
            if item.command in (Cmd.NAV_LOITER_TIME, Cmd.NAV_LOITER_TURNS):
                need = _hold_s(item, self.speed_mps) - self._held_s
                self._held_s += min(need, budget_s)
                return budget_s - need if need <= budget_s else -1
            return budget_s
        step = min(distance, self.speed_mps * budget_s)
        bearing = _bearing_deg(s.lat, s.lon, item.lat, item.lon)
        north, east = step * math.cos(math.radians(bearing)), step * math.sin(math.radians(bearing))
        lat = s.lat + north / DEG_M
        lon = s.lon + east / (DEG_M * math.cos(math.radians(s.lat)))
        if step >= distance:
            lat, lon = item.lat, item.lon
        self.state = replace(
            s, lat=lat, lon=lon, alt_m=item.z, heading_deg=bearing, groundspeed_mps=self.speed_mps
        )
        return budget_s - step / self.speed_mps if step >= distance else -1


def _hold_s(item: MissionItem, speed_mps: float) -> float:
    """How long a loiter holds: param1 seconds, or param1 turns of radius param3."""
    if item.command == Cmd.NAV_LOITER_TIME:
        return max(0.0, item.params[0])
    radius = abs(item.params[2]) or 30.0
    return max(0.0, item.params[0]) * 2 * math.pi * radius / speed_mps


def _bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def telemetry(mav: Any, state: VehicleState, *, autopilot: str = "px4") -> list[Any]:
    """The messages an autopilot sends each second, from ``mav`` (a pymavlink ``MAVLink``);
    ``autopilot`` ("px4" or "ardupilot") is the firmware its heartbeat names."""
    m = mavlink
    firmware, mode = _AUTOPILOTS[autopilot]
    mode_flag = m.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED | m.MAV_MODE_FLAG_AUTO_ENABLED
    if state.armed:
        mode_flag |= m.MAV_MODE_FLAG_SAFETY_ARMED
    boot_ms = int(state.time_s * 1000)
    millivolts = int(14800 + 2000 * state.battery_pct / 100)
    velocity = state.groundspeed_mps * 100
    return [
        mav.heartbeat_encode(
            m.MAV_TYPE_QUADROTOR,
            firmware,
            mode_flag,
            mode,
            m.MAV_STATE_ACTIVE,
        ),
        mav.global_position_int_encode(
            boot_ms,
            to_e7(state.lat),
            to_e7(state.lon),
            int((state.home.alt_m + state.alt_m) * 1000),
            int(state.alt_m * 1000),
            int(velocity * math.cos(math.radians(state.heading_deg))),
            int(velocity * math.sin(math.radians(state.heading_deg))),
            0,
            int(state.heading_deg * 100) % 36000,
        ),
        mav.sys_status_encode(
            0, 0, 0, 500, millivolts, -1, int(state.battery_pct), 0, 0, 0, 0, 0, 0
        ),
        mav.battery_status_encode(
            0,
            m.MAV_BATTERY_FUNCTION_ALL,
            m.MAV_BATTERY_TYPE_LIPO,
            2500,
            [millivolts] + [65535] * 9,
            -1,
            -1,
            -1,
            int(state.battery_pct),
        ),
        mav.mission_current_encode(state.mission_seq),
    ]
