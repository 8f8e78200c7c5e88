"""The MAVLink mission protocol, ground-station side: upload, download and clear the mission,
fence and rally lists of a vehicle, find it by its heartbeat and start its mission.

As https://mavlink.io/en/services/mission.html has it: an upload sends ``MISSION_COUNT`` and
answers each ``MISSION_REQUEST_INT`` (or the deprecated ``MISSION_REQUEST``) with a
``MISSION_ITEM_INT`` until the vehicle's ``MISSION_ACK``; a download sends
``MISSION_REQUEST_LIST``, reads ``MISSION_COUNT``, asks for each item with
``MISSION_REQUEST_INT`` and acknowledges. Every message that needs an answer waits
:data:`TIMEOUT_S` (the spec's default, 1500 ms) and is sent again up to :data:`RETRIES` times
(the spec's 5); then the operation is abandoned with ``MISSION_ACK``
``MAV_MISSION_OPERATION_CANCELLED``. Positions travel as the items' 1e-7 degree integers;
the float ``MISSION_ITEM`` is never sent. Waiting, sending again, finding the vehicle and
commanding it (arm, start) are :mod:`drone_ops.vehicle_link`'s, named here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from drone_ops.link import mavlink
from drone_ops.mission_lists import FENCE, MISSION, RALLY, TYPE_NAMES, ack_words, plan_from_lists
from drone_ops.plan import Cmd, Frame, MissionItem, Plan, Point, from_e7, to_e7
from drone_ops.vehicle_link import (
    RETRIES,
    TIMEOUT_S,
    Exchange,
    Refused,
    again,
    last_message,
    start,
    wait_heartbeat,
)
from surveillance.errors import VehicleError

__all__ = [
    "RETRIES",
    "TIMEOUT_S",
    "UploadResult",
    "clear",
    "download",
    "start",
    "upload",
    "wait_heartbeat",
]

#: progress of an upload or download: (list name, items so far, items in the list)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What an upload took: items per list ("mission", "fence", "rally"), the answers it
    waited for, wall-clock seconds, and the messages sent again (by timeout or re-request)."""

    items: dict[str, int]
    round_trips: int
    seconds: float
    retries: int


def upload(
    link: Any,
    plan: Plan,
    *,
    target_system: int,
    target_component: int = 1,
    progress: Progress | None = None,
    timeout_s: float = TIMEOUT_S,
    retries: int = RETRIES,
) -> UploadResult:
    """Upload the plan's mission, then its fence and rally points when it has them."""
    began = time.monotonic()
    ex = Exchange(link, target_system, target_component, timeout_s, retries)
    mission = plan.mission_items()
    if _firmware(link, target_system) == "ardupilot":  # its item 0 is home, as QGC sends it
        home = plan.home
        mission.insert(
            0,
            MissionItem(
                Cmd.NAV_WAYPOINT, Frame.GLOBAL, x=to_e7(home.lat), y=to_e7(home.lon), z=home.alt_m
            ),
        )
    lists = {MISSION: mission, FENCE: plan.fence_items(), RALLY: plan.rally_items()}
    sent: dict[str, int] = {}
    for mission_type, items in lists.items():
        if items or mission_type == MISSION:
            _upload_list(ex, mission_type, items, progress)
            sent[TYPE_NAMES[mission_type]] = len(items)
    return UploadResult(sent, ex.round_trips, time.monotonic() - began, ex.retries)


def _upload_list(
    ex: Exchange, mission_type: int, items: Sequence[MissionItem], progress: Progress | None
) -> None:
    name, count = TYPE_NAMES[mission_type], len(items)
    message = ex.mav.mission_count_encode(ex.target, ex.component, count, mission_type)
    asked = 0  # the items the vehicle has asked for so far (it asks in order)
    try:
        while True:
            answer = ex.ask(
                again(message),
                ("MISSION_REQUEST_INT", "MISSION_REQUEST", "MISSION_ACK"),
                f"the {name} upload (after {asked} of {count} items)",
                mission_type=mission_type,
            )
            if answer.get_type() == "MISSION_ACK":
                if answer.type != mavlink.MAV_MISSION_ACCEPTED:
                    raise Refused(
                        f"vehicle {ex.target} refused the {name}: " + ack_words(answer.type)
                    )
                if asked >= count:
                    return
                continue  # an earlier operation's acknowledgement, late
            seq = answer.seq
            if seq >= count:
                ex.cancel(mission_type)
                raise Refused(f"vehicle {ex.target} asked for {name} item {seq} of {count}")
            ex.retries += seq < asked
            asked = max(asked, seq + 1)
            message = _item_message(ex, items[seq], seq, mission_type)
            if progress is not None:
                progress(name, asked, count)
    except Refused:
        raise
    except VehicleError:
        ex.cancel(mission_type)
        raise


def _item_message(ex: Exchange, item: MissionItem, seq: int, mission_type: int) -> Any:
    return ex.mav.mission_item_int_encode(
        ex.target,
        ex.component,
        seq,
        item.frame,
        item.command,
        0,
        int(item.autocontinue),
        *item.params,
        item.x,
        item.y,
        item.z,
        mission_type,
    )


def download(
    link: Any,
    *,
    target_system: int,
    target_component: int = 1,
    progress: Progress | None = None,
    timeout_s: float = TIMEOUT_S,
    retries: int = RETRIES,
) -> Plan:
    """What the vehicle holds, all three lists, as a plan of kind ``imported``; home from
    the vehicle's ``HOME_POSITION`` when it sends one."""
    ex = Exchange(link, target_system, target_component, timeout_s, retries)
    lists = {t: _download_list(ex, t, progress) for t in (MISSION, FENCE, RALLY)}
    firmware = _firmware(link, target_system)
    return plan_from_lists(
        lists[MISSION],
        lists[FENCE],
        lists[RALLY],
        home=_home(ex),
        name=f"vehicle {target_system}",
        firmware=firmware,
    )


def _firmware(link: Any, system: int) -> str:
    """ "ardupilot" or "px4", as the vehicle's last heartbeat says."""
    heartbeat = last_message(link, system, "HEARTBEAT")
    ardupilot = heartbeat is not None and heartbeat.autopilot == mavlink.MAV_AUTOPILOT_ARDUPILOTMEGA
    return "ardupilot" if ardupilot else "px4"


def _download_list(ex: Exchange, mission_type: int, progress: Progress | None) -> list[MissionItem]:
    name = TYPE_NAMES[mission_type]
    ask_list = ex.mav.mission_request_list_encode(ex.target, ex.component, mission_type)
    answer = ex.ask(
        again(ask_list),
        ("MISSION_COUNT", "MISSION_ACK"),
        f"a {name} list request",
        mission_type=mission_type,
    )
    if answer.get_type() == "MISSION_ACK":
        if mission_type != MISSION and answer.type == mavlink.MAV_MISSION_UNSUPPORTED:
            return []  # a vehicle without fences or rally points
        raise VehicleError(
            f"vehicle {ex.target} refused the {name} download: " + ack_words(answer.type)
        )
    count, items = answer.count, []
    try:
        for seq in range(count):
            request = ex.mav.mission_request_int_encode(ex.target, ex.component, seq, mission_type)
            item = ex.ask(
                again(request),
                ("MISSION_ITEM_INT", "MISSION_ACK"),
                f"the request for {name} item {seq} of {count}",
                _item_or_ack(seq),
                mission_type,
            )
            if item.get_type() == "MISSION_ACK":
                raise Refused(
                    f"vehicle {ex.target} ended the {name} download: " + ack_words(item.type)
                )
            items.append(_from_message(item))
            if progress is not None:
                progress(name, seq + 1, count)
    except Refused:
        raise
    except VehicleError:
        ex.cancel(mission_type)
        raise
    ex.mav.send(ex.ack(mavlink.MAV_MISSION_ACCEPTED, mission_type))
    return items


def _item_or_ack(seq: int) -> Callable[[Any], bool]:
    """Takes item ``seq`` (an earlier item, late, is passed over) or the vehicle's ack."""
    return lambda m: bool(m.get_type() == "MISSION_ACK" or m.seq == seq)


def _f32(value: float) -> float:
    """A float32 from the wire as the shortest decimal that is that float32 (60.1, not
    60.099998), so what was sent as 60.1 reads back as 60.1."""
    return float(str(np.float32(value)))


def _from_message(m: Any) -> MissionItem:
    params = (_f32(m.param1), _f32(m.param2), _f32(m.param3), _f32(m.param4))
    return MissionItem(m.command, m.frame, params, m.x, m.y, _f32(m.z), bool(m.autocontinue))


def _home(ex: Exchange) -> Point | None:
    """The vehicle's home, asked for with ``MAV_CMD_REQUEST_MESSAGE`` (twice at most: not
    every vehicle answers it); None when the vehicle refuses or never sends one."""

    def request(attempt: int) -> Any:
        return ex.mav.command_long_encode(
            ex.target,
            ex.component,
            mavlink.MAV_CMD_REQUEST_MESSAGE,
            attempt,
            mavlink.MAVLINK_MSG_ID_HOME_POSITION,
            0,
            0,
            0,
            0,
            0,
            0,
        )

    def home_or_ack(m: Any) -> bool:
        return bool(m.get_type() == "HOME_POSITION" or m.command == mavlink.MAV_CMD_REQUEST_MESSAGE)

    patience, ex.max_retries = ex.max_retries, min(ex.max_retries, 1)  # optional: ask twice
    try:
        home = ex.ask(request, ("HOME_POSITION", "COMMAND_ACK"), "the home request", home_or_ack)
    except VehicleError:
        return None
    finally:
        ex.max_retries = patience
    if home.get_type() == "COMMAND_ACK":
        if home.result != mavlink.MAV_RESULT_ACCEPTED:
            return None
        home = ex.wait(("HOME_POSITION",), lambda _: True, None, ex.timeout_s)
        home = home or last_message(ex.link, ex.target, "HOME_POSITION")
    if home is None:
        return None
    return Point(from_e7(home.latitude), from_e7(home.longitude), home.altitude / 1000.0)


def clear(
    link: Any,
    *,
    target_system: int,
    target_component: int = 1,
    mission_types: Sequence[int] = (MISSION, FENCE, RALLY),
    timeout_s: float = TIMEOUT_S,
    retries: int = RETRIES,
) -> None:
    """Clear the vehicle's lists (``MISSION_CLEAR_ALL`` per type, each acknowledged)."""
    ex = Exchange(link, target_system, target_component, timeout_s, retries)
    for mission_type in mission_types:
        message = ex.mav.mission_clear_all_encode(ex.target, ex.component, mission_type)
        name = TYPE_NAMES[mission_type]
        ack = ex.ask(
            again(message), ("MISSION_ACK",), f"clearing the {name}", mission_type=mission_type
        )
        if ack.type != mavlink.MAV_MISSION_ACCEPTED:
            raise VehicleError(
                f"vehicle {target_system} refused to clear the {name}: " + ack_words(ack.type)
            )
