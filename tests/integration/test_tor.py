"""Our own Tor, for real (Debian's tor with its network off: this machine cannot reach the
Tor network): a private DataDirectory, a control port that answers, a bootstrap wait that
ends with the phase reached, NEWNYM accepted and rate-limited, nothing left running."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from crawler.tor import OwnTor, TorControl, TorError, tor_route
from surveillance.settings import load_settings
from tests.builders.tor_process import offline_tor, tor_or_skip, watch_signals


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def _tors_on(data_dir: Path) -> list[int]:
    """The processes running a tor on that DataDirectory's torrc."""
    torrc = str(data_dir / "torrc").encode()
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and _running(int(proc.name)):
            try:
                if torrc in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def test_an_own_tor_runs_on_its_private_directory_and_answers(tmp_path: Path) -> None:
    with offline_tor(tmp_path / "tor") as tor:
        mode = stat.S_IMODE((tmp_path / "tor").stat().st_mode)
        assert mode == 0o700
        torrc = (tmp_path / "tor" / "torrc").read_text()
        assert f"DataDirectory {tmp_path / 'tor'}" in torrc
        assert "CookieAuthentication 1" in torrc
        phase = tor.control.bootstrap()
        assert (phase.progress, phase.tag) == (0, "starting")
        assert (tmp_path / "tor" / "control_auth_cookie").exists()


def test_the_bootstrap_wait_ends_with_the_phase_it_reached(tmp_path: Path) -> None:
    with offline_tor(tmp_path / "tor") as tor, pytest.raises(TorError) as late:
        tor.control.wait_for_bootstrap(1.0, poll_s=0.2)
    assert str(late.value) == "Tor did not bootstrap within 1 s: it reached 0% (starting: Starting)"


def test_newnym_is_accepted_and_rate_limited(tmp_path: Path) -> None:
    now = [1000.0]
    with offline_tor(tmp_path / "tor") as tor, watch_signals(tor.control_port) as watch:
        control = TorControl.connect(tor.control_port, newnym_interval_s=10, clock=lambda: now[0])
        try:
            assert control.new_circuit()
            assert watch.arrived.wait(10)
            now[0] += 9.5
            assert not control.new_circuit()  # too soon: nothing sent
            now[0] += 0.5
            watch.arrived.clear()
            assert control.new_circuit()  # Tor holds it until its own 10 s have passed
            assert watch.arrived.wait(30)
        finally:
            control.close()
    assert watch.signals == ["NEWNYM", "NEWNYM"]


def test_stopping_leaves_no_process(tmp_path: Path) -> None:
    tor = OwnTor.start(tmp_path / "tor", binary=tor_or_skip(), network=False)
    pid, port = tor.process.pid, tor.control_port
    assert _running(pid)
    assert _tors_on(tmp_path / "tor") == [pid]
    tor.stop()
    tor.stop()  # idempotent
    assert not _running(pid)
    assert _tors_on(tmp_path / "tor") == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_a_crawl_own_tor_that_cannot_bootstrap_is_a_clear_error_and_is_stopped(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        home=tmp_path, tor_binary=tor_or_skip(), tor_network=False, tor_bootstrap_timeout_s=1.0
    )
    reached = r"within 1 s: it reached 0% \(starting: Starting\)"
    with pytest.raises(TorError, match=reached), tor_route(settings):
        pytest.fail("an offline Tor cannot bootstrap")
    assert (tmp_path / "tor" / "torrc").exists()  # it was started ...
    assert _tors_on(tmp_path / "tor") == []  # ... and is gone


def test_a_running_tor_that_is_not_there_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings = load_settings(
        home=tmp_path, tor_mode="running", tor_socks_url=f"socks5h://127.0.0.1:{port}"
    )
    with pytest.raises(TorError) as missing, tor_route(settings):
        pytest.fail("there is no Tor")
    assert str(missing.value) == f"no Tor at socks5h://127.0.0.1:{port}: connection refused"
    assert "tor_mode = 'own'" in (missing.value.hint or "")


def test_a_running_tor_is_used_as_it_is(tmp_path: Path) -> None:
    with offline_tor(tmp_path / "tor") as tor, socket.socket() as listening:
        # the offline Tor opens no SocksPort: a listening socket stands in for it
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        socks_url = f"socks5h://127.0.0.1:{listening.getsockname()[1]}"
        settings = load_settings(
            home=tmp_path / "home",
            tor_mode="running",
            tor_socks_url=socks_url,
            tor_control_port=tor.control_port,
        )
        with tor_route(settings) as route:
            assert (route.socks_url, route.control_port) == (socks_url, tor.control_port)
        assert not (tmp_path / "home" / "tor").exists()  # nothing of its own started
