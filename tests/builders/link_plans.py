"""Plans to send over MAVLink, free local ports for the vehicles that take them, and a
serial line (two pseudo-terminals joined back to back) for a serial link.

``a_plan(n)`` is a takeoff and ``n`` waypoints off Tsushima with a no-fly polygon, a
stay-inside circle and two rally points: all three mission types, altitudes with decimals
(60.1 m) that float32 cannot hold exactly, so a read-back shows they survive.
"""

from __future__ import annotations

import os
import pty
import select
import socket
import threading
import tty
from collections.abc import Iterator
from contextlib import contextmanager

from drone_ops.plan import Cmd, Fence, FenceCircle, FencePolygon, MissionItem, Plan, Point

__all__ = ["HOME", "a_plan", "free_port", "serial_line"]

HOME = Point(34.20, 129.30, 10.0)


def a_plan(n: int = 20, *, fence: bool = True, rally: bool = True) -> Plan:
    """A takeoff, ``n`` waypoints on a diagonal 11 m apart, and a return to launch."""
    items = (
        (MissionItem.at(Cmd.NAV_TAKEOFF, HOME.lat, HOME.lon, 30.0),)
        + tuple(
            MissionItem.at(Cmd.NAV_WAYPOINT, 34.2 + k * 1e-4, 129.3 + k * 1e-4, 60.1, 0.0, 2.0)
            for k in range(n)
        )
        + (MissionItem(Cmd.NAV_RETURN_TO_LAUNCH, frame=2),)
    )
    no_fly = FencePolygon(((34.25, 129.35), (34.25, 129.36), (34.26, 129.36), (34.26, 129.35)))
    stay = FenceCircle((34.2, 129.3), 5000.0, inclusion=True)
    return Plan(
        name=f"{n} waypoints off Tsushima",
        kind="patrol",
        home=HOME,
        elements=items,
        fence=Fence((no_fly,), (stay,)) if fence else Fence(),
        rally=(Point(34.21, 129.31, 40.0), Point(34.19, 129.29, 40.5)) if rally else (),
    )


def free_port(kind: str = "udp") -> int:
    """A local port free right now (bound to 0 and released) for a ``udp`` or ``tcp`` test."""
    family = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, family) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serial_line() -> Iterator[tuple[str, str]]:
    """Two serial devices (``/dev/pts/N``, raw) whose bytes cross over, like a null-modem
    cable: what one end writes the other reads."""
    ends = [pty.openpty() for _ in range(2)]
    for _, device in ends:
        tty.setraw(device)
    masters = [master for master, _ in ends]
    stop = threading.Event()

    def cross() -> None:
        while not stop.is_set():
            readable, _, _ = select.select(masters, [], [], 0.05)
            for fd in readable:
                os.write(masters[1 - masters.index(fd)], os.read(fd, 4096))

    thread = threading.Thread(target=cross, daemon=True)
    thread.start()
    try:
        yield os.ttyname(ends[0][1]), os.ttyname(ends[1][1])
    finally:
        stop.set()
        thread.join(timeout=2.0)
        for fd in (fd for pair in ends for fd in pair):
            os.close(fd)
