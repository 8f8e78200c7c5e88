"""A conversation with one vehicle over MAVLink: questions that wait for their answer and
are sent again, the ground station's heartbeat, finding the vehicle, and commands.

Every message that needs an answer waits :data:`TIMEOUT_S` (mavlink.io's default for the
mission protocol, 1500 ms) and is sent again up to :data:`RETRIES` times (its default, 5).
Commands (arm, mission start) follow the command protocol: ``COMMAND_LONG`` sent again with
``confirmation`` counted up until its ``COMMAND_ACK``, whose result is given in words.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from drone_ops.link import GCS_SYSTEM, mavlink
from drone_ops.mission_lists import command_words
from surveillance.errors import VehicleError

__all__ = [
    "RETRIES",
    "TIMEOUT_S",
    "Exchange",
    "Refused",
    "again",
    "last_message",
    "start",
    "wait_heartbeat",
]

TIMEOUT_S = 1.5  # mavlink.io's default wait for an answer before sending again
RETRIES = 5  # mavlink.io's default number of times a message is sent again
_HEARTBEAT_S = 1.0  # a ground station's heartbeat rate, kept up while it waits


def again(message: Any) -> Callable[[int], Any]:
    """The same message at every attempt (a mission message is sent again unchanged)."""
    return lambda _attempt: message


class Refused(VehicleError):
    """The vehicle ended the operation itself: nothing to cancel."""


class Exchange:
    """One conversation with one vehicle: every question waits :data:`TIMEOUT_S` for its
    answer from the vehicle and is sent again up to ``retries`` times; answers are counted."""

    def __init__(
        self, link: Any, target_system: int, target_component: int, timeout_s: float, retries: int
    ) -> None:
        self.link, self.mav = link, link.mav
        self.target, self.component = target_system, target_component
        self.timeout_s, self.max_retries = timeout_s, retries
        self.round_trips = self.retries = 0
        self._beat_at = 0.0

    def ask(
        self,
        build: Callable[[int], Any],
        answers: Sequence[str],
        what: str,
        accept: Callable[[Any], bool] = lambda _: True,
        mission_type: int | None = None,
    ) -> Any:
        """Send ``build(attempt)`` until the vehicle answers with one of ``answers`` that
        ``accept`` takes; no answer after every retry is a :class:`VehicleError`."""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.retries += 1
            self.mav.send(build(attempt))
            answer = self.wait(answers, accept, mission_type, self.timeout_s)
            if answer is not None:
                self.round_trips += 1
                return answer
        raise VehicleError(
            f"vehicle {self.target} did not answer {what} "
            f"({self.max_retries + 1} tries, {self.timeout_s:g} s each)"
        )

    def wait(
        self,
        answers: Sequence[str],
        accept: Callable[[Any], bool],
        mission_type: int | None,
        timeout_s: float,
    ) -> Any | None:
        """The first message of ``answers`` from the vehicle (of ``mission_type``) that
        ``accept`` takes within ``timeout_s``, else None; heartbeats go out meanwhile."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.beat()
            message = self.link.recv_match(
                type=list(answers), blocking=True, timeout=min(left, _HEARTBEAT_S)
            )
            if message is None or message.get_srcSystem() != self.target:
                continue
            if mission_type is not None and message.mission_type != mission_type:
                continue
            if accept(message):
                return message
        return None

    def beat(self) -> None:
        """A ground station's heartbeat, once a second, so the vehicle knows it is there."""
        now = time.monotonic()
        if now - self._beat_at >= _HEARTBEAT_S:
            self._beat_at = now
            self.mav.heartbeat_send(
                mavlink.MAV_TYPE_GCS, mavlink.MAV_AUTOPILOT_INVALID, 0, 0, mavlink.MAV_STATE_ACTIVE
            )

    def cancel(self, mission_type: int) -> None:
        """Tell the vehicle the operation is abandoned (it need not answer)."""
        self.mav.send(self.ack(mavlink.MAV_MISSION_OPERATION_CANCELLED, mission_type))

    def ack(self, result: int, mission_type: int) -> Any:
        return self.mav.mission_ack_encode(self.target, self.component, result, mission_type)


def wait_heartbeat(
    link: Any, *, timeout_s: float = 10.0, url: str | None = None, system: int | None = None
) -> int:
    """The system id of the first vehicle heard (or of ``system`` only); ground stations'
    heartbeats are passed over. Ours go out meanwhile, so a vehicle that waits to hear from
    its ground station first (``udpin`` on its side) learns where to answer."""
    probe = Exchange(link, 0, 0, timeout_s, 0)
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        probe.beat()
        heartbeat = link.recv_match(type="HEARTBEAT", blocking=True, timeout=min(left, 0.5))
        if heartbeat is None or heartbeat.type == mavlink.MAV_TYPE_GCS:
            continue
        found = int(heartbeat.get_srcSystem())
        if found != GCS_SYSTEM and system in (None, found):
            return found
    who = "no vehicle" if system is None else f"vehicle {system} never"
    where = f" on {url}" if url else ""
    raise VehicleError(f"{who} answered{where} within {timeout_s:g} s")


def last_message(link: Any, system: int, message_type: str) -> Any | None:
    """The last message of a type pymavlink has seen from ``system``."""
    state = link.sysid_state.get(system)
    return None if state is None else state.messages.get(message_type)


def start(
    link: Any,
    *,
    target_system: int,
    target_component: int = 1,
    arm: bool = True,
    timeout_s: float = TIMEOUT_S,
    retries: int = RETRIES,
) -> str:
    """Start the mission from its first item (``MAV_CMD_MISSION_START``), arming the
    vehicle first if its heartbeat says it is disarmed; returns the vehicle's answer."""
    ex = Exchange(link, target_system, target_component, timeout_s, retries)
    heartbeat = last_message(link, target_system, "HEARTBEAT")
    armed = heartbeat is not None and heartbeat.base_mode & mavlink.MAV_MODE_FLAG_SAFETY_ARMED
    if arm and not armed:
        _command(ex, mavlink.MAV_CMD_COMPONENT_ARM_DISARM, "arming", 1.0)
    return _command(ex, mavlink.MAV_CMD_MISSION_START, "the mission start", 0.0, 0.0)


def _command(ex: Exchange, command: int, what: str, *params: float) -> str:
    """One ``COMMAND_LONG`` and its ``COMMAND_ACK``, in words; a refusal is a VehicleError."""
    padded = (tuple(params) + (0.0,) * 7)[:7]
    ack = ex.ask(
        lambda attempt: ex.mav.command_long_encode(
            ex.target, ex.component, command, attempt, *padded
        ),
        ("COMMAND_ACK",),
        what,
        lambda m: m.command == command and m.result != mavlink.MAV_RESULT_IN_PROGRESS,
    )
    if ack.result != mavlink.MAV_RESULT_ACCEPTED:
        raise VehicleError(f"vehicle {ex.target} refused {what}: " + command_words(ack.result))
    return command_words(ack.result)
