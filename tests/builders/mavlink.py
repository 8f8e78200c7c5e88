"""MAVLink as a vehicle sends it, for telemetry tests: packets of one system id, and
``.tlog`` files of timed packets.

``Vehicle(7).position(43.1, 5.9, alt_m=40)`` is the bytes of one GLOBAL_POSITION_INT from
system 7; ``tlog([(T0_S, packet), ...])`` the bytes of a log as a ground station writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from drone_ops.link import mavlink
from drone_ops.plan import to_e7
from drone_ops.telemetry.framing import stamp

__all__ = ["Vehicle", "tlog"]

_PX4_AUTO_MISSION = (4 << 16) | (4 << 24)


@dataclass
class Vehicle:
    """The packets one vehicle (``system_id``, autopilot component) sends."""

    system_id: int
    component_id: int = 1
    mav: Any = field(init=False)

    def __post_init__(self) -> None:
        self.mav = mavlink.MAVLink(None, self.system_id, self.component_id)

    def heartbeat(self, *, armed: bool = True, gcs: bool = False) -> bytes:
        flags = mavlink.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED | mavlink.MAV_MODE_FLAG_AUTO_ENABLED
        if armed:
            flags |= mavlink.MAV_MODE_FLAG_SAFETY_ARMED
        if gcs:
            return self._pack(
                self.mav.heartbeat_encode(
                    mavlink.MAV_TYPE_GCS, mavlink.MAV_AUTOPILOT_INVALID, 0, 0, 0
                )
            )
        return self._pack(
            self.mav.heartbeat_encode(
                mavlink.MAV_TYPE_QUADROTOR,
                mavlink.MAV_AUTOPILOT_PX4,
                flags,
                _PX4_AUTO_MISSION,
                mavlink.MAV_STATE_ACTIVE,
            )
        )

    def position(
        self,
        lat: float,
        lon: float,
        *,
        alt_m: float = 50.0,
        vx_cms: int = 300,
        hdg_cdeg: int = 9000,
    ) -> bytes:
        return self._pack(
            self.mav.global_position_int_encode(
                1000,
                to_e7(lat),
                to_e7(lon),
                int(alt_m * 1000),
                int(alt_m * 1000),
                vx_cms,
                400,
                0,
                hdg_cdeg,
            )
        )

    def raw_position(self, lat_e7: int, lon_e7: int) -> bytes:
        """A position as given (1e-7 degrees), in range or not."""
        return self._pack(
            self.mav.global_position_int_encode(1000, lat_e7, lon_e7, 0, 0, 0, 0, 0, 65535)
        )

    def battery(self, pct: int) -> bytes:
        return self._pack(
            self.mav.sys_status_encode(0, 0, 0, 500, 15800, -1, pct, 0, 0, 0, 0, 0, 0)
        )

    def current(self, seq: int) -> bytes:
        return self._pack(self.mav.mission_current_encode(seq))

    def reached(self, seq: int) -> bytes:
        return self._pack(self.mav.mission_item_reached_encode(seq))

    def _pack(self, message: Any) -> bytes:
        return bytes(message.pack(self.mav))


def tlog(records: Iterable[tuple[float, bytes]]) -> bytes:
    """A ``.tlog``: each packet behind its time (unix seconds)."""
    return b"".join(stamp(ts_s, packet) for ts_s, packet in records)
