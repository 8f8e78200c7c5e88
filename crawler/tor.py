"""Tor for the crawl: a private ``tor`` of its own, or one already running.

An own Tor gets a private DataDirectory under the Coastwatch home, a SocksPort and a
ControlPort on free local ports (``auto``, read back from the control port), cookie
authentication, and is owned by this process (``__OwningControllerProcess``,
``TAKEOWNERSHIP``): it exits with the crawl even if the crawl is killed. Bootstrap is awaited
through the control port with ``stem`` (LGPL-3, the optional extra ``coastwatch[tor]``),
which also asks for new circuits (NEWNYM, at most one per ``newnym_interval_s``: Tor itself
ignores more).

    with tor_route(settings) as route:
        crawl(..., tor=route)        # route.socks_url, route.control_port
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from surveillance.errors import CoastwatchError, ConfigError

if TYPE_CHECKING:
    from surveillance.settings import Settings

__all__ = [
    "STEM_HINT",
    "Bootstrap",
    "OwnTor",
    "TorControl",
    "TorError",
    "TorRoute",
    "require_stem",
    "scrapy_settings",
    "tor_route",
]

logger = logging.getLogger(__name__)

STEM_HINT = "pip install 'coastwatch[tor]'"
_START_S = 30.0
_STOP_S = 15.0
_POLL_S = 0.2
_PHASE = re.compile(r'PROGRESS=(\d+)\s+TAG=(\S+)\s+SUMMARY="([^"]*)"')


class TorError(CoastwatchError):
    """Tor cannot be started, reached or bootstrapped; the message says how far it got."""


@dataclass(frozen=True)
class Bootstrap:
    """Where Tor's bootstrap is: ``progress`` in percent, its ``tag`` and ``summary``."""

    progress: int
    tag: str
    summary: str

    @property
    def done(self) -> bool:
        return self.progress >= 100

    def __str__(self) -> str:
        return f"{self.progress}% ({self.tag}: {self.summary})"


@dataclass(frozen=True)
class TorRoute:
    """The Tor in use: where its SocksPort and (if known) its ControlPort are."""

    socks_url: str
    control_port: int | None = None
    control_host: str = "127.0.0.1"
    control_password: str | None = field(default=None, repr=False)  # never in a log


def scrapy_settings(route: TorRoute) -> dict[str, Any]:
    """The Scrapy settings that tell the crawl's components which Tor is in use."""
    return {
        "TOR_SOCKS_URL": route.socks_url,
        "TOR_CONTROL_HOST": route.control_host,
        "TOR_CONTROL_PORT": route.control_port,
        "TOR_CONTROL_PASSWORD": _Secret(route.control_password) if route.control_password else None,
    }


class _Secret(str):
    """A password that prints as stars (Scrapy logs the settings it was given)."""

    def __repr__(self) -> str:
        return "'**********'"


def require_stem() -> ModuleType:
    """stem (the optional extra ``coastwatch[tor]``), or a clear error naming the extra."""
    try:
        import stem.control
    except ImportError as error:
        raise ConfigError(
            "talking to Tor's control port needs stem, an optional extra",
            hint=STEM_HINT,
        ) from error
    return stem


class TorControl:
    """A connection to a control port: bootstrap phase, SOCKS listener, rate-limited NEWNYM.

    ``clock`` (monotonic seconds) is passed in so the rate limit is testable."""

    def __init__(
        self,
        controller: Any,
        *,
        newnym_interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._controller = controller
        self._interval_s = newnym_interval_s
        self._clock = clock
        self._last_newnym: float | None = None

    @classmethod
    def connect(
        cls,
        port: int,
        *,
        host: str = "127.0.0.1",
        password: str | None = None,
        newnym_interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> TorControl:
        """Connect and authenticate (the cookie Tor names, or ``password``)."""
        stem = require_stem()
        try:
            controller = stem.control.Controller.from_port(address=host, port=port)
        except stem.SocketError as error:
            raise TorError(f"no Tor control port at {host}:{port}: {error}") from error
        try:
            controller.authenticate(password=password)
        except (stem.connection.AuthenticationFailure, stem.SocketError) as error:
            controller.close()
            raise TorError(f"Tor's control port at {host}:{port} refused us: {error}") from error
        return cls(controller, newnym_interval_s=newnym_interval_s, clock=clock)

    def bootstrap(self) -> Bootstrap:
        """The bootstrap phase Tor reports now."""
        phase = self._info("status/bootstrap-phase")
        found = _PHASE.search(phase)
        if found is None:
            return Bootstrap(0, "unknown", phase.strip())
        return Bootstrap(int(found.group(1)), found.group(2), found.group(3))

    def wait_for_bootstrap(self, timeout_s: float, *, poll_s: float = 0.5) -> Bootstrap:
        """Wait until Tor has bootstrapped (100%); a :class:`TorError` naming the phase it
        reached when ``timeout_s`` runs out."""
        deadline = time.monotonic() + timeout_s
        phase = self.bootstrap()
        while not phase.done:
            if time.monotonic() >= deadline:
                raise TorError(
                    f"Tor did not bootstrap within {timeout_s:g} s: it reached {phase}",
                    hint="check that this machine reaches the Tor network, or set "
                    "tor_mode = 'running' and tor_socks_url to a Tor that does",
                )
            time.sleep(poll_s)
            phase = self.bootstrap()
        return phase

    def socks_url(self) -> str | None:
        """``socks5h://host:port`` of Tor's first SOCKS listener (None while it has none,
        e.g. under DisableNetwork)."""
        listeners = self._info("net/listeners/socks").split()
        if not listeners:
            return None
        return f"socks5h://{listeners[0].strip(chr(34))}"

    def take_ownership(self) -> None:
        """Tor exits when this connection closes (TAKEOWNERSHIP)."""
        self._controller.msg("TAKEOWNERSHIP")

    def new_circuit(self) -> bool:
        """Ask for new circuits (NEWNYM); False, and nothing sent, when the last one was
        less than ``newnym_interval_s`` ago."""
        now = self._clock()
        if self._last_newnym is not None and now - self._last_newnym < self._interval_s:
            return False
        stem = require_stem()
        try:
            self._controller.signal(stem.Signal.NEWNYM)
        except (stem.ControllerError, stem.SocketError) as error:
            raise TorError(f"Tor refused NEWNYM: {error}") from error
        self._last_newnym = now
        logger.info("asked Tor for new circuits (NEWNYM)")
        return True

    def _info(self, key: str) -> str:
        stem = require_stem()
        try:
            return str(self._controller.get_info(key))
        except (stem.ControllerError, stem.SocketError) as error:
            raise TorError(f"Tor's control port did not answer {key}: {error}") from error

    def close(self) -> None:
        self._controller.close()


def _free_ports_torrc(data_dir: Path, *, network: bool) -> str:
    lines = {
        "DataDirectory": str(data_dir),
        "SocksPort": "127.0.0.1:auto",
        "ControlPort": "127.0.0.1:auto",
        "ControlPortWriteToFile": str(data_dir / "control-port"),
        "CookieAuthentication": "1",
        "ClientOnly": "1",
        "AvoidDiskWrites": "1",
        "__OwningControllerProcess": str(os.getpid()),
        "Log": f"notice file {data_dir / 'tor.log'}",
        "DisableNetwork": "0" if network else "1",
    }
    return "".join(f"{key} {value}\n" for key, value in lines.items())


class OwnTor:
    """A ``tor`` process of our own, on a private DataDirectory; :meth:`stop` ends it."""

    def __init__(self, process: subprocess.Popen[bytes], control: TorControl, data_dir: Path):
        self.process = process
        self.control = control
        self.data_dir = data_dir
        self.control_port = _control_port(data_dir)

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *,
        binary: str = "tor",
        network: bool = True,
        newnym_interval_s: float = 10.0,
        start_timeout_s: float = _START_S,
    ) -> OwnTor:
        """Start tor and connect to its control port (it has not bootstrapped yet)."""
        require_stem()  # before starting anything: without stem the Tor could not be watched
        data_dir.mkdir(parents=True, exist_ok=True)
        data_dir.chmod(0o700)  # tor refuses a DataDirectory others can read
        (data_dir / "control-port").unlink(missing_ok=True)
        torrc = data_dir / "torrc"
        torrc.write_text(_free_ports_torrc(data_dir, network=network))
        # Debian puts tor in /usr/sbin, which a user's PATH may lack
        program = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/local/sbin")
        try:
            process = subprocess.Popen(
                [program or binary, "-f", str(torrc), "--ignore-missing-torrc"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,  # until tor reads its torrc (then: tor.log only)
                stderr=subprocess.STDOUT,
            )
        except FileNotFoundError as error:
            raise TorError(
                f"the tor program is not installed ({binary})",
                hint="apt-get install tor (scripts/system-deps.sh), or set tor_binary",
            ) from error
        try:
            port = _await_control_port(process, data_dir, start_timeout_s)
            control = TorControl.connect(port, newnym_interval_s=newnym_interval_s)
            control.take_ownership()
        except BaseException:
            _end(process)
            raise
        logger.info("started an own Tor (pid %d, control port %d)", process.pid, port)
        return cls(process, control, data_dir)

    def stop(self) -> None:
        """End the process (and wait for it); idempotent."""
        with contextlib.suppress(Exception):
            self.control.close()
        _end(self.process)


def _control_port(data_dir: Path) -> int:
    text = (data_dir / "control-port").read_text()
    found = re.search(r"PORT=[^:\s]+:(\d+)", text)
    if found is None:
        raise TorError(f"tor wrote no control port to {data_dir / 'control-port'}")
    return int(found.group(1))


def _await_control_port(process: subprocess.Popen[bytes], data_dir: Path, limit_s: float) -> int:
    deadline = time.monotonic() + limit_s
    path = data_dir / "control-port"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise TorError(f"tor exited at start ({process.returncode}): {_last_words(process)}")
        if path.exists() and "PORT=" in path.read_text():
            return _control_port(data_dir)
        time.sleep(_POLL_S)
    raise TorError(f"tor opened no control port within {limit_s:g} s")


def _last_words(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    with contextlib.suppress(OSError, ValueError):
        lines = process.stdout.read().decode("utf-8", "replace").strip().splitlines()
        if lines:
            return lines[-1]
    return "no message"


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=_STOP_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=_STOP_S)
    if process.stdout is not None:
        process.stdout.close()


def _listening(url: str) -> str | None:
    """None when something accepts TCP at the URL's host:port, else why not."""
    host, _, port = url.split("://", 1)[1].rpartition("@")[2].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            return None
    except OSError as error:
        return os.strerror(error.errno) if error.errno else str(error)


@contextlib.contextmanager
def tor_route(settings: Settings) -> Iterator[TorRoute]:
    """The Tor the crawl uses, for as long as it runs: an own Tor (started, bootstrapped,
    stopped on exit) or the running one named by the settings (checked to be listening)."""
    password = settings.tor_control_password
    secret = password.get_secret_value() if password is not None else None
    if settings.tor_mode == "running":
        problem = _listening(settings.tor_socks_url)
        if problem is not None:
            raise TorError(
                f"no Tor at {settings.tor_socks_url}: {problem.lower()}",
                hint="start Tor there, or set tor_mode = 'own' to let the crawl run its own",
            )
        if settings.tor_control_port is not None:
            # checks the port and the password now rather than at the first NEWNYM
            TorControl.connect(settings.tor_control_port, password=secret).close()
        yield TorRoute(settings.tor_socks_url, settings.tor_control_port, control_password=secret)
        return
    tor = OwnTor.start(
        settings.home / "tor",
        binary=settings.tor_binary,
        network=settings.tor_network,
        newnym_interval_s=settings.tor_newnym_interval_s,
    )
    try:
        phase = tor.control.wait_for_bootstrap(settings.tor_bootstrap_timeout_s)
        socks_url = tor.control.socks_url()
        if socks_url is None:
            raise TorError(f"the own Tor bootstrapped ({phase}) but opened no SocksPort")
        yield TorRoute(socks_url, tor.control_port)
    finally:
        tor.stop()
