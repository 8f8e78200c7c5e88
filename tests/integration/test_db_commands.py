"""`coastwatch db ...` and `demo` as a user runs them: a real process, a real cluster."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from dashboard.data.missions import drone_states, drone_trails
from dashboard.mission_layers import drone_layers
from drone_ops.files import read_plan
from drone_ops.mission_protocol import upload
from simulator.vehicle import Vehicle
from surveillance.access import ROLES
from surveillance.embedded import Cluster
from surveillance.errors import AccessDenied
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders import cli
from tests.builders.link_plans import free_port
from tests.builders.mavsdk_vehicle import held, mavsdk_autopilot
from tests.builders.mavsdk_vehicle import sent as sent_items
from tests.builders.users import ADMIN, PASSWORD

# the Tsushima Strait: Busan, Hakata, Kanmon and a few more ports; quick to load
SMALL_AOI = {
    "COASTWATCH_AOI_NAME": "tsushima",
    "COASTWATCH_AOI_BBOX_DEG": "[128.5,33.0,131.5,35.5]",
}


class User:
    """Runs the coastwatch CLI in its own home, the way a person at a shell would."""

    def __init__(self, home: Path, extra: dict[str, str]) -> None:
        self.home = home
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "COASTWATCH_HOME": str(home / "state"),
            "COASTWATCH_EMBEDDED_PORT": "55433",
            "COASTWATCH_EMBEDDED_FSYNC": "false",
            **SMALL_AOI,
            **extra,
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = cli.run(*args, env=self.env, timeout_s=300)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout + result.stderr

    def url(self) -> str:
        result = self.run("db", "url")
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    @property
    def settings(self) -> Settings:
        return load_settings(home=Path(self.env["COASTWATCH_HOME"]), embedded_port=55433)


@pytest.fixture
def user(cluster_settings: Settings) -> Iterator[User]:
    home = Path(tempfile.mkdtemp(prefix="coastwatch-user-"))  # mode 0700, as mktemp -d
    person = User(home, {})
    yield person
    Cluster(person.settings).destroy()
    shutil.rmtree(home, ignore_errors=True)


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]


def test_up_status_url_down_twice_in_a_row(user: User) -> None:
    for _ in range(2):
        assert "store is up" in user.ok("db", "up")
        status = user.ok("db", "status")
        assert "state        up" in status and "postgis" in status and "zones" in status
        url = user.url()
        assert url.startswith("postgresql://")
        if shutil.which("psql"):
            psql = subprocess.run(
                ["psql", url, "-Atc", "SELECT count(*) FROM ports"], capture_output=True, text=True
            )
            assert psql.returncode == 0 and int(psql.stdout) > 0, psql.stderr
        assert count(url, "zones") > 0
        assert "store stopped" in user.ok("db", "down")
        assert "state        down" in user.ok("db", "status")
    assert "was not running" in user.ok("db", "down")


def test_db_up_adds_the_first_admin_once_whose_users_log_in_by_db_url(user: User) -> None:
    first = user.run("db", "up")
    assert first.returncode == 0, first.stderr
    (shown,) = [line for line in first.stdout.splitlines() if line.startswith("first admin:")]
    said = re.fullmatch(r"first admin: (\S+)  password: (\S+)", shown)
    assert said is not None, shown
    name, password = said.groups()
    assert name == ADMIN and "shown this once" in first.stdout and "users passwd" in first.stdout
    again = user.ok("db", "up")
    assert "first admin" not in again and password not in again
    with Store.open(user.settings) as store:
        assert store.login(name, password, via="cli").role == "admin"
    user.env["COASTWATCH_PASSWORD"] = PASSWORD
    user.ok("users", "add", "ann", "--role", "analyst")
    url = user.run("db", "url", "--user", "ann").stdout.strip()
    with psycopg.connect(url) as conn:  # over the embedded store's socket
        assert conn.execute("SELECT current_user").fetchone() == ("coastwatch.ann",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM leads")


def test_the_store_comes_back_after_kill_9(user: User) -> None:
    user.ok("db", "up")
    cluster = Cluster(user.settings)
    pid = cluster._server_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(1)
    assert "state        down" in user.ok("db", "status")
    # any command brings the store back up (with fsync off, as here, the last commits
    # before the crash may be lost, so the geography may be loaded again)
    assert "geography of 'tsushima'" in user.ok("geo", "load")
    assert cluster.is_running() and cluster._server_pid() != pid
    os.kill(cluster._server_pid() or 0, signal.SIGKILL)  # and right away, while it dies
    assert "store is up" in user.ok("db", "up")
    assert "zones" in user.ok("db", "status")


def test_a_stale_pid_file_naming_another_process_is_cleared(user: User) -> None:
    user.ok("db", "up")
    user.ok("db", "down")
    cluster = Cluster(user.settings)
    impostor = subprocess.Popen(["sleep", "60"], user=cluster.server_user)
    try:
        (cluster.data_dir / "postmaster.pid").write_text(f"{impostor.pid}\n{cluster.data_dir}\n")
        assert "store is up" in user.ok("db", "up")
        assert cluster.is_running()
    finally:
        impostor.kill()


def test_reset_asks_first_and_then_empties_the_store(user: User) -> None:
    url = user.url()
    user.ok("db", "up")
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO vessels (mmsi, name, updated_at) VALUES (431000001, 'X', now())")
    refused = user.run("db", "reset")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert count(url, "vessels") == 1
    assert "store reset" in user.ok("db", "reset", "--yes")
    assert count(url, "vessels") == 0 and count(url, "zones") > 0


def test_a_data_directory_from_another_version_is_explained(user: User) -> None:
    user.ok("db", "up")
    user.ok("db", "down")
    cluster = Cluster(user.settings)
    (cluster.data_dir / "PG_VERSION").write_text("11\n")
    result = user.run("db", "up")
    assert result.returncode == 4
    assert "made by PostgreSQL 11" in result.stderr and "db reset --yes" in result.stderr
    user.ok("db", "reset", "--yes")
    assert "store is up" in user.ok("db", "up")


def test_an_external_server_is_used_when_a_url_is_given(user: User, database_url: str) -> None:
    libpq_url = database_url.replace("postgresql+psycopg://", "postgresql://")
    user.env["COASTWATCH_DATABASE_URL"] = libpq_url
    assert "external server" in user.ok("db", "up")
    assert "external server" in user.ok("db", "status")
    assert "nothing to stop" in user.ok("db", "down")
    assert user.url() == libpq_url
    assert count(libpq_url, "zones") > 0
    assert not Cluster(user.settings).initialised  # no embedded cluster was made


def test_an_unreachable_server_is_a_clear_error(user: User) -> None:
    user.env["COASTWATCH_DATABASE_URL"] = "postgresql://nobody@/nowhere?host=/nonexistent"
    result = user.run("db", "status")
    assert result.returncode == 4 and "cannot reach the store" in result.stderr


def test_demo_simulates_ingests_and_says_what_it_holds(user: User) -> None:
    out = user.ok("demo", "--no-dashboard", "--vessels", "10")
    assert "coastwatch simulate" in out and "positions stored (new)" in out
    assert "zones" in out and "ais_positions" in out and "state        up" in out
    assert "coastwatch detect" in out and "coastwatch evaluate" in out and "precision" in out
    assert "coastwatch ingest scene" in out and "scene(s) stored" in out and "dark_vessel" in out
    assert "coastwatch ingest drone" in out
    assert re.search(r"drone samples stored \(new\)\s+[1-9]", out)
    assert re.search(r"vehicles\s+2\s", out)
    assert "not available yet" not in out  # only the dashboard is, and it was not asked for
    assert (user.home / "state" / "demo" / "truth.json").is_file()
    assert "`coastwatch dashboard` serves http://127.0.0.1:8501/" in out
    assert "coastwatch crawl" in out
    _the_forum_s_posts_are_leads_only_intel_reads(user)
    password = _each_role_has_a_demo_user_who_logs_in(user, out)
    _a_drone_is_sent_from_the_top_alert(user, password)


def _the_forum_s_posts_are_leads_only_intel_reads(user: User) -> None:
    """The simulated forum crawled: a lead a post, the transfer's vessels linked to the
    posts that name them, the mirror one lead seen twice, the Shift_JIS thread in Japanese;
    read by the intel role only; the posts naming the transfer's vessels are the STS
    alert's evidence."""
    truth = json.loads((user.home / "state" / "demo" / "truth.json").read_text())
    (sts,) = [e for e in truth["events"] if e["type"] == "sts_transfer"]
    with Store.open(user.settings) as store:
        with store.as_role("intel") as intel:
            leads = intel.leads()
        with store.as_role("monitor") as monitor, pytest.raises(AccessDenied):
            monitor.leads()
    posts = truth["leads"]
    assert len(leads) == len(posts) - 1  # the mirror's copy is a sighting of the post
    naming = leads[leads["mmsi"].map(lambda mmsi: bool(set(mmsi) & set(sts["mmsi"])))]
    assert len(naming) >= 2  # the English post and the Japanese one
    assert naming["sightings"].max() == 2
    japanese = leads[leads["language"] == "ja"]
    assert "瀬取り" in "\n".join(japanese["text"]) and "明日の夜" in "\n".join(japanese["text"])
    with Store.open(user.settings) as store:  # the rules read them all: the STS alert cites them
        for lead_id in naming["id"]:
            cited = store.lead_alerts(int(lead_id))
            assert any(
                kind == "sts_transfer" and set(mmsi) == set(sts["mmsi"])
                for kind, mmsi in zip(cited["type"], cited["mmsi"], strict=True)
            ), (lead_id, cited)


def _each_role_has_a_demo_user_who_logs_in(user: User, out: str) -> str:
    said = re.search(r"log in as demo\.intel \(or demo\.monitor, [^)]*\), password (\S+)", out)
    assert said is not None, out
    with Store.open(user.settings) as store:
        for role in ROLES:
            assert store.login(f"demo.{role}", said.group(1), via="cli").role == role
        imported = store.audit_rows(action="watchlist.add")
    assert set(imported["actor"]) == {"demo.intel"}  # the step ran as a role that may
    return said.group(1)


def _a_drone_is_sent_from_the_top_alert(user: User, password: str) -> None:
    """The issue's end to end: an intercept planned by the demo's drone operator from the
    demo's best alert with a vessel uploads to the simulated vehicle over UDP and TCP and to
    MAVSDK over both, reads back with the integers sent, is flown, and its telemetry (taken
    in by the admin) is what the map draws."""
    user.env["COASTWATCH_PASSWORD"] = password
    pilot = ("--as", "demo.drone_operator")
    alerts = json.loads(user.run(*pilot, "alerts", "list", "--format", "json").stdout)
    alert = next(a for a in alerts if a["mmsi"])
    home = f"{alert['lat'] + 0.02:.6f},{alert['lon']:.6f}"  # launched 2 km north of it
    plan_file = user.home / "intercept.plan"
    planning = user.run(
        *pilot,
        *("mission", "plan", "intercept", "--alert", alert["id"], "--home", home),
        *("--now", alert["end"], "-o", str(plan_file), "--format", "json"),
    )
    assert planning.returncode == 0, planning.stderr
    planned = json.loads(planning.stdout)
    sent = read_plan(plan_file)
    ints = [(i.command, i.frame, i.x, i.y) for i in sent.mission_items()]
    assert sent.kind == "intercept" and sent.meta["alert_id"] == alert["id"]
    for listen, connect in (("tcpin", "tcp"), ("udpin", "udpout")):  # flown last
        port = free_port("udp" if listen == "udpin" else "tcp")
        url = f"{connect}:127.0.0.1:{port}"
        with Vehicle(f"{listen}:127.0.0.1:{port}", system_id=9, time_scale=50.0) as vehicle:
            user.ok(*pilot, "mission", "upload", str(plan_file), "--connect", url)
            assert [(i.command, i.frame, i.x, i.y) for i in vehicle.lists[0]] == ints
            back = user.home / f"back-{connect}.plan"
            user.ok(*pilot, "mission", "download", "--connect", url, "-o", str(back))
            assert [(i.command, i.frame, i.x, i.y) for i in read_plan(back).mission_items()] == ints
            if connect == "udpout":  # fly it, and follow it live
                user.ok(
                    *pilot, "mission", "start", "--connect", url, "--mission", str(planned["id"])
                )
                user.ok("ingest", "drone", "--connect", url, "--duration", "4")
    for transport in ("udp", "tcp"):
        with mavsdk_autopilot(transport) as (received, link, system):
            upload(link, sent, target_system=system)
            received.wait_for(1 + bool(sent.fence_items()) + bool(sent.rally_items()))
        assert held(received.lists[0]) == sent_items(sent.mission_items())
    with Store.open(user.settings) as store:
        (row,) = store.missions().to_dict("records")
        assert (row["status"], row["system_id"]) == ("started", 9)
        track = store.telemetry(drone_id="mav9")
        now = datetime.now(UTC)
        on_map = drone_layers(
            drone_states(store, since=now - timedelta(hours=1), now=now),
            drone_trails(store, window=(now - timedelta(hours=1), now)),
        )
    assert (track["mission_id"] == planned["id"]).all()
    assert track["mission_seq"].max() > 0 and track["armed"].all()  # it flew the mission
    drawn = {layer.id: layer.data for layer in on_map}
    (drone,) = [d for d in drawn["drones"] if d["drone_id"] == "mav9"]  # as the map draws it
    assert drone["title"] == "Drone mav9" and drone["line2"].startswith("item ")
