"""MAVLink connections by the names pymavlink gives them, always speaking MAVLink 2.

``udpin:HOST:PORT`` (listen), ``udpout:HOST:PORT`` (send to), ``tcp:HOST:PORT`` (connect),
``tcpin:HOST:PORT`` (accept) and a serial device as ``/dev/ttyUSB0:57600``. Every module that
talks MAVLink imports ``mavutil`` and ``mavlink`` from here, so the MAVLink 2 dialect is
chosen once, before pymavlink reads its environment.
"""

from __future__ import annotations

import os
import re
from typing import Any

os.environ["MAVLINK20"] = "1"  # pymavlink picks its wire version when the dialect loads

from pymavlink import mavutil  # noqa: E402

from surveillance.errors import InputError  # noqa: E402

mavutil.set_dialect("all")
mavlink: Any = mavutil.mavlink

__all__ = ["FORMS", "GCS_COMPONENT", "GCS_SYSTEM", "mavlink", "mavutil", "open_link"]

#: who Coastwatch is on the link: a ground station's system id and the mission planner's
#: component id, as QGroundControl uses them
GCS_SYSTEM = 255
GCS_COMPONENT = 190

_NETWORK = re.compile(r"^(udpin|udpout|udp|tcp|tcpin):([^:]*):(\d{1,5})$")
_SERIAL = re.compile(r"^(/dev/[\w./-]+|COM\d+)(?::(\d+))?$")
FORMS = "udpin:HOST:PORT, udpout:HOST:PORT, tcp:HOST:PORT, tcpin:HOST:PORT or /dev/DEVICE:BAUD"


def open_link(
    url: str,
    *,
    source_system: int = GCS_SYSTEM,
    source_component: int = GCS_COMPONENT,
    autoreconnect: bool = False,
) -> Any:
    """A pymavlink connection (``mavfile``) for ``url``; a malformed URL or a port that cannot
    be opened is an :class:`InputError` naming the accepted forms."""
    url = url.strip()
    network, serial = _NETWORK.match(url), _SERIAL.match(url)
    if network is None and serial is None:
        raise InputError(f"not a MAVLink connection: {url!r}", hint=f"give {FORMS}")
    if network is not None and not 0 < int(network.group(3)) < 65536:
        raise InputError(f"not a port: {network.group(3)} in {url!r}")
    device, baud = url, 57600
    if serial is not None:
        device, baud = serial.group(1), int(serial.group(2) or 57600)
    try:
        return mavutil.mavlink_connection(
            device,
            baud=baud,
            source_system=source_system,
            source_component=source_component,
            autoreconnect=autoreconnect,
        )
    except (OSError, ValueError) as error:
        raise InputError(f"cannot open the MAVLink connection {url}: {error}") from error
