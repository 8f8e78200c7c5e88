"""MAVSDK 4.1.0 as an autopilot: an independent vehicle (``ComponentType.AUTOPILOT`` with its
``MissionRawServer``) on a free port, what it took in, and the items in comparable form."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from drone_ops.link import open_link
from drone_ops.mission_protocol import wait_heartbeat
from drone_ops.plan import MissionItem
from tests.builders.link_plans import free_port

__all__ = ["f32", "held", "mavsdk_autopilot", "sent"]

#: MAVSDK's side (it listens on TCP, sends on UDP) and ours, for each transport
_SIDES = {
    "udp": ("udpout://127.0.0.1:{}", "udpin:127.0.0.1:{}"),
    "tcp": ("tcpin://127.0.0.1:{}", "tcp:127.0.0.1:{}"),
}


class _Received:
    """Every list MAVSDK's mission server took in, by mission type."""

    def __init__(self) -> None:
        self.lists: dict[int, list[Any]] = {}
        self.results: list[str] = []
        self.changed = threading.Condition()

    def __call__(self, result: Any, plan: Any, _user_data: object) -> None:
        with self.changed:
            self.results.append(result.name)
            for item in plan.mission_items:
                self.lists.setdefault(item.mission_type, []).append(item)
            self.changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self.changed:
            self.changed.wait_for(lambda: len(self.results) >= count, timeout=10.0)


@contextmanager
def mavsdk_autopilot(transport: str) -> Iterator[tuple[_Received, Any, int]]:
    """MAVSDK as an autopilot on a free port, our link to it and its system id."""
    port = free_port(transport)
    theirs, ours = (form.format(port) for form in _SIDES[transport])
    import mavsdk
    from mavsdk.plugins import mission_raw_server

    sdk = mavsdk.Mavsdk(
        mavsdk.Configuration.create_with_component_type(mavsdk.ComponentType.AUTOPILOT)
    )
    received = _Received()
    try:
        assert sdk.add_any_connection(theirs) == mavsdk.ConnectionResult.SUCCESS
        server = mission_raw_server.MissionRawServer(sdk.server_component())
        server.subscribe_incoming_mission(received)
        link = open_link(ours)
        try:
            yield received, link, wait_heartbeat(link, timeout_s=10.0)
        finally:
            link.close()
    finally:
        sdk.destroy()


def f32(value: float) -> Any:
    """A value as MAVLink's float32 carries it (NaN as the string, so NaN equals NaN; a
    double beyond float32 is infinite, as the C++ cast makes it)."""
    if math.isnan(value):
        return "nan"
    with np.errstate(over="ignore"):
        return np.float32(value)


def sent(items: list[MissionItem]) -> list[tuple[Any, ...]]:
    """Our items as the wire carries them, to compare with what MAVSDK holds."""
    return [
        (i.command, i.frame, i.x, i.y, f32(i.z), *(f32(p) for p in i.params), int(i.autocontinue))
        for i in items
    ]


def held(items: list[Any]) -> list[tuple[Any, ...]]:
    """MAVSDK's items (``MissionRaw.MissionItem``) in the same form as :func:`sent`."""
    return [
        (
            i.command,
            i.frame,
            i.x,
            i.y,
            f32(i.z),
            *(f32(p) for p in (i.param1, i.param2, i.param3, i.param4)),
            i.autocontinue,
        )
        for i in items
    ]
