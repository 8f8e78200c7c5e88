"""MAVSDK 4.1.0 as the vehicle: an independent implementation of the mission protocol
(``ComponentType.AUTOPILOT`` with its ``MissionRawServer``) receives what ``upload`` sends, over
UDP and TCP, with exactly the integers sent, and ``download`` reads it back from MAVSDK."""

from __future__ import annotations

import pytest

from drone_ops.mission_protocol import download, upload
from tests.builders.link_plans import a_plan
from tests.builders.mavsdk_vehicle import held, mavsdk_autopilot, sent

pytest.importorskip("mavsdk")


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
    assert held(received.lists[0]) == sent(plan.mission_items())
    assert held(received.lists[1]) == sent(plan.fence_items())
    assert held(received.lists[2]) == sent(plan.rally_items())
    assert [i.seq for i in received.lists[0]] == list(range(42))
    assert (back.mission_items(), back.fence, back.rally) == (
        plan.mission_items(),
        plan.fence,
        plan.rally,
    )
