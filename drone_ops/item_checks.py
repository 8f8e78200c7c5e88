"""What a mission item read from a file must be, whatever the file's format.

A ``.plan`` and a ``.waypoints`` file say the same seven numbers per item in two syntaxes;
once each reader has its numbers, this module checks them the same way: a command and a
frame MAVLink knows (pymavlink's ``MAV_CMD`` and ``MAV_FRAME``), a latitude and longitude
on Earth for a global frame (rounded once to 1e-7 degree integers), whole numbers for
param5/6 otherwise. A refusal names the file and the place, e.g. ``x.plan: mission item 3``.
"""

from __future__ import annotations

import math
from functools import cache

from drone_ops.plan import GLOBAL_FRAMES, MissionItem, to_e7
from surveillance.errors import InputError

__all__ = ["checked_item", "checked_place", "known_commands"]

_INT32 = 2**31


@cache
def _enum(name: str) -> dict[int, str]:
    """A MAVLink enum of pymavlink's "all" dialect as value -> name (its END marker left out).
    pymavlink is slow to load, so it is loaded the first time a file is read."""
    from drone_ops.link import mavlink

    entries = mavlink.enums[name]
    return {value: e.name for value, e in entries.items() if not e.name.endswith("_ENUM_END")}


def known_commands() -> dict[int, str]:
    """Every ``MAV_CMD`` by number, with its name (``MAV_CMD_NAV_WAYPOINT``)."""
    return _enum("MAV_CMD")


def checked_place(lat: float, lon: float, place: str) -> tuple[float, float]:
    """``(lat, lon)`` when they are a place on Earth, else an InputError naming ``place``."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{place}: latitude {lat}, longitude {lon} is not a place on Earth")
    return lat, lon


def checked_item(
    command: float,
    frame: float,
    params: tuple[float, float, float, float, float, float, float],
    autocontinue: bool,
    place: str,
) -> MissionItem:
    """A :class:`MissionItem` from a file's seven params (NaN where the file had none)."""
    if not _whole(command) or int(command) not in known_commands():
        raise InputError(f"{place}: unknown command {_text(command)} (not a MAVLink MAV_CMD)")
    if not _whole(frame) or int(frame) not in _enum("MAV_FRAME"):
        raise InputError(f"{place}: unknown frame {_text(frame)} (not a MAVLink MAV_FRAME)")
    for n, value in enumerate(params, 1):
        if math.isinf(value):
            raise InputError(f"{place}: param{n} is infinite")
    x, y = (0.0 if math.isnan(v) else v for v in params[4:6])
    if int(frame) in GLOBAL_FRAMES:
        lat, lon = checked_place(x, y, place)
        ix, iy = to_e7(lat), to_e7(lon)
    else:
        for n, value in ((5, x), (6, y)):
            if not (_whole(value) and abs(value) < _INT32):
                raise InputError(
                    f"{place}: param{n} {_text(value)} must be a whole number in frame {frame:g}"
                )
        ix, iy = int(x), int(y)
    return MissionItem(
        int(command), int(frame), params[:4], ix, iy, params[6], autocontinue=autocontinue
    )


def _whole(value: float) -> bool:
    return math.isfinite(value) and value == int(value)


def _text(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)
