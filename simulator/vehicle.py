"""A simulated vehicle on a real socket, written with pymavlink: what the mission protocol and
the telemetry ingest are tested against.

:class:`Vehicle` listens (or sends) on a pymavlink URL (``udpin:127.0.0.1:14550``,
``tcpin:...``), sends HEARTBEAT at 1 Hz and its :class:`~simulator.drone_flight.Flight`'s
telemetry at ``rate_hz``, and serves the vehicle side of the mission protocol for the
mission, fence and rally lists both ways. It refuses what an autopilot refuses, in
``MISSION_ACK`` codes: more items than ``max_items`` (``MAV_MISSION_NO_SPACE``), a frame not in
``frames`` (``MAV_MISSION_UNSUPPORTED_FRAME``), an item out of sequence; it takes items only as
``MISSION_ITEM_INT`` (``request_int=False`` asks for them the old way). It arms and starts the
mission on ``COMMAND_LONG`` and flies it in simulated time (``time_scale`` times real time),
sending MISSION_CURRENT and MISSION_ITEM_REACHED. ``loss`` drops that fraction of the packets
it receives and of its protocol answers (seeded), so retries are exercised.

For a person to try: ``python -m simulator.vehicle --listen udpin:0.0.0.0:14550``.
"""

from __future__ import annotations

import argparse
import logging
import random
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from drone_ops.link import mavlink, open_link
from drone_ops.plan import Frame, MissionItem, Point, to_e7
from simulator.drone_flight import Flight, telemetry

__all__ = ["HOME", "Vehicle", "main"]

log = logging.getLogger(__name__)

_REQUEST_TIMEOUT_S = 1.5  # mavlink.io's default: re-request an item not received in time
_REQUEST_RETRIES = 5
_AUTOPILOT_COMPONENT = 1
_TICK_S = 0.02  # the longest the loop sleeps: the flight's time step when nothing arrives
_TYPES = (0, 1, 2)  # mission, fence, rally
#: where it stands unless told: off Tsushima, in the demo's area of operations
HOME = Point(34.20, 129.30, 10.0)


@dataclass
class _Receiving:
    """An upload in progress: its list, how many items, those received, when last asked."""

    mission_type: int
    count: int
    items: list[MissionItem] = field(default_factory=list)
    asked_at: float = 0.0
    asks: int = 0


class Vehicle:
    """One simulated autopilot (system ``system_id``, component 1) on ``url``."""

    def __init__(
        self,
        url: str,
        *,
        system_id: int = 1,
        home: Point = HOME,
        speed_mps: float = 15.0,
        rate_hz: float = 4.0,
        time_scale: float = 1.0,
        max_items: int | None = None,
        frames: Collection[int] = tuple(Frame),
        loss: float = 0.0,
        seed: int = 0,
        battery_min: float = 30.0,
        request_int: bool = True,
        autopilot: str = "px4",
    ) -> None:
        self.url, self.system_id = url, system_id
        self.rate_hz, self.time_scale = rate_hz, time_scale
        self.max_items, self.frames = max_items, frozenset(frames)
        self.loss, self._random = loss, random.Random(seed)
        self.request_int = request_int  # False: asks with the deprecated MISSION_REQUEST
        self.autopilot = autopilot  # "ardupilot": its mission's item 0 is home
        self.flight = Flight(system_id, home, speed_mps=speed_mps, battery_min=battery_min)
        self.lists: dict[int, list[MissionItem]] = {t: [] for t in _TYPES}
        self.reached: list[int] = []  # every MISSION_ITEM_REACHED sent, in order
        self.dropped = 0
        self._link = open_link(url, source_system=system_id, source_component=_AUTOPILOT_COMPONENT)
        self._receiving: _Receiving | None = None
        self._peer = (0, 0)  # (system, component) of the ground station uploading
        self._accepted: tuple[int, int] | None = None  # (type, count) of the last upload
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- running ---------------------------------------------------------------------------

    def serve(self) -> None:
        """Run until :meth:`close`: answer what arrives, keep time, send telemetry."""
        last = time.monotonic()
        beat = sent = 0.0
        while not self._stop.is_set():
            self._link.select(_TICK_S)  # wakes at once when something arrives
            while (message := self._receive()) is not None:
                self._handle(message)
            now = time.monotonic()
            for seq in self.flight.step((now - last) * self.time_scale):
                self.reached.append(seq)
                self._send(self._mav.mission_item_reached_encode(seq))
            last = now
            heartbeat_due, telemetry_due = now - beat >= 1.0, now - sent >= 1.0 / self.rate_hz
            if heartbeat_due or telemetry_due:
                heartbeat, *rest = telemetry(self._mav, self.flight.state, autopilot=self.autopilot)
                if heartbeat_due:
                    beat = now
                    self._send(heartbeat)
                if telemetry_due:
                    sent = now
                    for message in rest:
                        self._send(message)
            self._rerequest(now)

    def __enter__(self) -> Vehicle:
        """Serve in a background thread until the block ends."""
        self._thread = threading.Thread(target=self.serve, name=f"vehicle-{self.system_id}")
        self._thread.daemon = True
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and close the socket."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)
        self._link.close()

    @property
    def _mav(self) -> Any:
        return self._link.mav

    def _receive(self) -> Any | None:
        """The next message, after the simulated loss (a dropped one is not seen at all)."""
        self._hung_up()
        while True:
            message = self._link.recv_msg()
            if message is None or message.get_type() == "BAD_DATA":
                return None
            if self.loss and self._random.random() < self.loss:
                self.dropped += 1
                continue
            return message

    def _hung_up(self) -> None:
        """On ``tcpin``, a ground station that closed its end lets the next one connect
        (pymavlink's TCP server would read the closed socket for ever)."""
        port = getattr(self._link, "port", None)
        if not isinstance(port, socket.socket) or not hasattr(self._link, "listen"):
            return
        try:
            closed = port.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return
        except OSError:
            closed = True
        if closed:
            port.close()
            self._link.port, self._link.fd = None, self._link.listen.fileno()

    def _send(self, message: Any, *, lossy: bool = False) -> None:
        if lossy and self.loss and self._random.random() < self.loss:
            self.dropped += 1
            return
        self._link.mav.send(message)

    def _answer(self, message: Any) -> None:
        """A protocol answer: subject to the simulated loss."""
        self._send(message, lossy=True)

    def _for_us(self, message: Any) -> bool:
        target = getattr(message, "target_system", None)
        return target in (None, 0, self.system_id)

    # -- the protocols -----------------------------------------------------------------------

    def _handle(self, message: Any) -> None:
        kind = message.get_type()
        if not self._for_us(message):
            return
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, message)

    def _ack(self, to: Any, result: int, mission_type: int) -> None:
        self._answer(
            self._mav.mission_ack_encode(
                to.get_srcSystem(), to.get_srcComponent(), result, mission_type
            )
        )

    def _request(self, receiving: _Receiving, to: tuple[int, int]) -> None:
        seq = len(receiving.items)
        receiving.asked_at = time.monotonic()
        self._peer = to
        encode = self._mav.mission_request_int_encode
        if not self.request_int:
            encode = self._mav.mission_request_encode
        self._answer(encode(*to, seq, receiving.mission_type))

    def _on_count(self, m: Any) -> None:
        if self.max_items is not None and m.count > self.max_items:
            self._receiving = None
            return self._ack(m, mavlink.MAV_MISSION_NO_SPACE, m.mission_type)
        receiving = self._receiving = _Receiving(m.mission_type, m.count)
        if m.count == 0:
            return self._finish(m, receiving)
        self._request(receiving, (m.get_srcSystem(), m.get_srcComponent()))

    def _on_item(self, m: Any) -> None:
        receiving = self._receiving
        if receiving is None or receiving.mission_type != m.mission_type:
            if self._accepted == (m.mission_type, m.seq + 1):  # our ACK was lost: say it again
                self._ack(m, mavlink.MAV_MISSION_ACCEPTED, m.mission_type)
            return
        expected = len(receiving.items)
        if m.seq < expected:
            return self._request(receiving, (m.get_srcSystem(), m.get_srcComponent()))
        if m.seq > expected:
            self._receiving = None
            return self._ack(m, mavlink.MAV_MISSION_INVALID_SEQUENCE, m.mission_type)
        if m.frame not in self.frames:
            self._receiving = None
            return self._ack(m, mavlink.MAV_MISSION_UNSUPPORTED_FRAME, m.mission_type)
        params = (m.param1, m.param2, m.param3, m.param4)
        receiving.items.append(
            MissionItem(m.command, m.frame, params, m.x, m.y, m.z, bool(m.autocontinue))
        )
        receiving.asks = 0
        if len(receiving.items) == receiving.count:
            return self._finish(m, receiving)
        self._request(receiving, (m.get_srcSystem(), m.get_srcComponent()))

    def _finish(self, m: Any, done: _Receiving) -> None:
        """The whole list arrived: keep it (a mission is loaded into the flight) and accept."""
        self._receiving = None
        self.lists[done.mission_type] = done.items
        if done.mission_type == 0:
            self.flight.load(done.items)
        self._accepted = (done.mission_type, done.count)
        self._ack(m, mavlink.MAV_MISSION_ACCEPTED, done.mission_type)

    def _rerequest(self, now: float) -> None:
        """Ask again for an item that did not come; give up after the spec's retries."""
        receiving = self._receiving
        if receiving is None or now - receiving.asked_at < _REQUEST_TIMEOUT_S:
            return
        if receiving.asks >= _REQUEST_RETRIES:
            self._receiving = None
            self._answer(
                self._mav.mission_ack_encode(
                    *self._peer, mavlink.MAV_MISSION_OPERATION_CANCELLED, receiving.mission_type
                )
            )
            return
        receiving.asks += 1
        self._request(receiving, self._peer)

    def _on_request_list(self, m: Any) -> None:
        items = self.lists.get(m.mission_type, [])
        self._answer(
            self._mav.mission_count_encode(
                m.get_srcSystem(), m.get_srcComponent(), len(items), m.mission_type
            )
        )

    def _on_request(self, m: Any) -> None:
        """An item asked for (``MISSION_REQUEST_INT`` or the old ``MISSION_REQUEST``): always
        sent back as ``MISSION_ITEM_INT``."""
        items = self.lists.get(m.mission_type, [])
        if m.seq >= len(items):
            return self._ack(m, mavlink.MAV_MISSION_INVALID_SEQUENCE, m.mission_type)
        i = items[m.seq]
        self._answer(
            self._mav.mission_item_int_encode(
                m.get_srcSystem(),
                m.get_srcComponent(),
                m.seq,
                i.frame,
                i.command,
                int(m.seq == self.flight.state.mission_seq),
                int(i.autocontinue),
                *i.params,
                i.x,
                i.y,
                i.z,
                m.mission_type,
            )
        )

    def _on_clear(self, m: Any) -> None:
        self.lists[m.mission_type] = []
        if m.mission_type == 0:
            self.flight.load([])
        self._ack(m, mavlink.MAV_MISSION_ACCEPTED, m.mission_type)

    def _on_command(self, m: Any) -> None:
        result = mavlink.MAV_RESULT_ACCEPTED
        if m.command == mavlink.MAV_CMD_COMPONENT_ARM_DISARM:
            self.flight.arm(m.param1 >= 0.5)
        elif m.command == mavlink.MAV_CMD_MISSION_START:
            if not self.flight.state.armed:
                result = mavlink.MAV_RESULT_TEMPORARILY_REJECTED
            elif not self.flight.items:
                result = mavlink.MAV_RESULT_DENIED
            else:
                self.flight.start(int(m.param1))
        elif m.command == mavlink.MAV_CMD_REQUEST_MESSAGE and int(m.param1) == 242:
            self._answer(self._home_position())
        else:
            result = mavlink.MAV_RESULT_UNSUPPORTED
        self._answer(
            self._mav.command_ack_encode(
                m.command, result, 0, 0, m.get_srcSystem(), m.get_srcComponent()
            )
        )

    def _home_position(self) -> Any:
        home = self.flight.state.home
        return self._mav.home_position_encode(
            to_e7(home.lat), to_e7(home.lon), int(home.alt_m * 1000), 0, 0, 0, [1, 0, 0, 0], 0, 0, 0
        )


_HANDLERS = {
    "MISSION_COUNT": Vehicle._on_count,
    "MISSION_ITEM_INT": Vehicle._on_item,
    "MISSION_REQUEST_LIST": Vehicle._on_request_list,
    "MISSION_REQUEST_INT": Vehicle._on_request,
    "MISSION_REQUEST": Vehicle._on_request,
    "MISSION_CLEAR_ALL": Vehicle._on_clear,
    "COMMAND_LONG": Vehicle._on_command,
}


def main(argv: list[str] | None = None) -> None:
    """``python -m simulator.vehicle --listen URL``: one simulated vehicle until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m simulator.vehicle", description=__doc__)
    parser.add_argument("--listen", default="udpin:0.0.0.0:14550", help="a pymavlink URL")
    parser.add_argument("--system", type=int, default=1, help="its MAVLink system id")
    parser.add_argument("--home", default="34.20,129.30", help="LAT,LON where it stands")
    parser.add_argument("--speed-mps", type=float, default=15.0)
    parser.add_argument("--time-scale", type=float, default=1.0, help="simulated s per real s")
    args = parser.parse_args(argv)
    lat, lon = (float(v) for v in args.home.split(","))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    vehicle = Vehicle(
        args.listen,
        system_id=args.system,
        home=Point(lat, lon, 0.0),
        speed_mps=args.speed_mps,
        time_scale=args.time_scale,
    )
    log.info("vehicle %d on %s (Ctrl-C to stop)", args.system, args.listen)
    try:
        vehicle.serve()
    except KeyboardInterrupt:
        pass
    finally:
        vehicle.close()


if __name__ == "__main__":
    main()
