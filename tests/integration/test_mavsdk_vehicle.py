"""MAVSDK 4.1.0 as the vehicle: an independent implementation of the mission protocol
(``ComponentType.AUTOPILOT`` with its ``MissionRawServer``) receives what ``upload`` sends, over
UDP and TCP, with exactly the integers sent, and ``download`` reads it back from MAVSDK."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from drone_ops.link import open_link
from drone_ops.mission_protocol import download, upload, wait_heartbeat
from drone_ops.plan import MissionItem
from tests.builders.link_plans import a_plan, free_port

mavsdk = pytest.importorskip("mavsdk")
mission_raw_server = pytest.importorskip("mavsdk.plugins.mission_raw_server")

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


def _sent(items: list[MissionItem]) -> list[tuple[object, ...]]:
    f32 = np.float32
    return [
        (i.command, i.frame, i.x, i.y, f32(i.z), *map(f32, i.params), int(i.autocontinue))
        for i in items
    ]


def _held(items: list[Any]) -> list[tuple[object, ...]]:
    f32 = np.float32
    return [
        (
            i.command,
            i.frame,
            i.x,
            i.y,
            f32(i.z),
            f32(i.param1),
            f32(i.param2),
            f32(i.param3),
            f32(i.param4),
            i.autocontinue,
        )
        for i in items
    ]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_mavsdk_holds_exactly_the_integers_sent(transport: str) -> None:
    plan = a_plan(40)
    with mavsdk_autopilot(transport) as (received, link, system):
        result = upload(link, plan, target_system=system)
        received.wait_for(3)
        back = download(link, target_system=system)
    assert system == 1
    assert received.results == ["SUCCESS"] * 3
    assert result.items == {"mission": 42, "fence": 5, "rally": 2}
    assert _held(received.lists[0]) == _sent(plan.mission_items())
    assert _held(received.lists[1]) == _sent(plan.fence_items())
    assert _held(received.lists[2]) == _sent(plan.rally_items())
    assert [i.seq for i in received.lists[0]] == list(range(42))
    assert (back.mission_items(), back.fence, back.rally) == (
        plan.mission_items(),
        plan.fence,
        plan.rally,
    )
