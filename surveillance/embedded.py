"""The embedded PostGIS cluster: a private PostgreSQL server under ``COASTWATCH_HOME``.

It listens on a Unix socket only (TCP is switched off and refused), in a directory that
only the server's user can enter, so nobody else on the machine can reach the data.
PostgreSQL refuses to run as root; under root the server runs as a dedicated unprivileged
system user (``server_os_user``, created when missing) and its files live in
``/var/lib/coastwatch/<hash of home>``, since a home under ``/root`` or a ``mktemp -d``
directory is closed to that user.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

from surveillance.errors import ClusterError
from surveillance.settings import Settings

__all__ = ["Cluster", "ClusterState", "find_bindir"]

log = logging.getLogger(__name__)

DATABASE = "coastwatch"
ROLE = "coastwatch"
ROOT_STATE_DIR = Path("/var/lib/coastwatch")
_CONF_FILE = "coastwatch.conf"  # rewritten from the settings before every start
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; leave room for ".s.PGSQL.NNNNN"
_START_ATTEMPTS = 5
_CONNECT_TIMEOUT_S = 30.0
_INSTALL_HINT = (
    "install PostgreSQL with PostGIS 3: on Debian `make setup` does it "
    "(apt-get install postgresql postgresql-<version>-postgis-3); elsewhere install them with "
    "your package manager and set COASTWATCH_PG_BINDIR, or set COASTWATCH_DATABASE_URL"
)


@dataclass(frozen=True)
class ClusterState:
    """What ``db status`` reports about the embedded cluster."""

    location: Path
    initialised: bool
    running: bool
    pg_version: str | None
    server_user: str


def _bindir_version(bindir: Path) -> int:
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    if found is None:
        raise ClusterError(f"cannot tell the version of {bindir / 'postgres'}: {out.strip()!r}")
    return int(found.group(1))


def _has_postgis(bindir: Path) -> bool:
    sharedir = (
        subprocess.run(
            [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True
        ).stdout.strip()
        if (bindir / "pg_config").is_file()
        else ""
    )
    candidates = [Path(sharedir)] if sharedir else []
    candidates.append(Path("/usr/share/postgresql") / bindir.parent.name)
    return any((c / "extension" / "postgis.control").is_file() for c in candidates)


def find_bindir(configured: Path | None, want_major: int | None = None) -> Path:
    """The PostgreSQL server binaries to use: configured, else the newest with PostGIS.

    ``want_major`` (the version of an existing data directory) wins when it is installed.
    """
    if configured is not None:
        if not (configured / "initdb").is_file():
            raise ClusterError(
                f"no initdb in pg_bindir {configured}",
                hint="point COASTWATCH_PG_BINDIR at PostgreSQL's bin directory",
            )
        return configured
    candidates = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    with_postgis = [p for p in candidates if _has_postgis(p)]
    for p in with_postgis:
        if want_major is None or p.parent.name == str(want_major):
            return p
    if with_postgis:
        return with_postgis[0]
    if candidates:
        raise ClusterError("PostgreSQL is installed but PostGIS is not", hint=_INSTALL_HINT)
    raise ClusterError("PostgreSQL server binaries not found", hint=_INSTALL_HINT)


class Cluster:
    """One private PostgreSQL cluster; every method is safe to call in any state."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.home
        self._as_root = os.geteuid() == 0
        if self._as_root:
            digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
            self.location = ROOT_STATE_DIR / digest
            self.server_user = settings.server_os_user
        else:
            self.location = self.home / "postgres"
            self.server_user = pwd.getpwuid(os.geteuid()).pw_name
        self.data_dir = self.location / "data"
        self.socket_dir = self.location / "run"
        self.log_file = self.location / "server.log"
        self.port = settings.embedded_port

    # -- state -------------------------------------------------------------------------

    @property
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def data_version(self) -> int | None:
        """Major version of the data directory, or None when there is none."""
        if not self.initialised:
            return None
        text = (self.data_dir / "PG_VERSION").read_text().strip()
        return int(text) if text.isdigit() else None

    def _bindir(self) -> Path:
        return find_bindir(self.settings.pg_bindir, self.data_version())

    def _server_pid(self) -> int | None:
        """The pid in ``postmaster.pid``, if the file is there."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def _is_our_server(self, pid: int) -> bool:
        """Whether ``pid`` is a live PostgreSQL server of this data directory."""
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return b"postgres" in cmdline and str(self.data_dir).encode() in cmdline

    def is_running(self) -> bool:
        pid = self._server_pid()
        return pid is not None and self._is_our_server(pid)

    def state(self) -> ClusterState:
        version = self.data_version()
        return ClusterState(
            location=self.location,
            initialised=self.initialised,
            running=self.is_running(),
            pg_version=None if version is None else str(version),
            server_user=self.server_user,
        )

    def url(self, database: str = DATABASE) -> str:
        """A libpq URI that psql, psycopg and SQLAlchemy accept."""
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://{ROLE}@/{database}?host={host}&port={self.port}"

    # -- actions -----------------------------------------------------------------------

    def up(self) -> str:
        """Initialise (first time), start (when stopped) and prepare the database; the URL."""
        with self._lock():
            if not self.initialised:
                self._init()
            self._check_version()
            if not self.is_running():
                self._start()
            self._ensure_database()
        return self.url()

    def down(self) -> bool:
        """Stop the server cleanly; False when it was not running."""
        with self._lock():
            if not self.is_running():
                return False
            self._run_pg(
                ["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60"]
            )
            return True

    def destroy(self) -> None:
        """Stop the server and remove the whole cluster (all data)."""
        with self._lock():
            if self.is_running():
                self._run_pg(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w"])
            shutil.rmtree(self.location, ignore_errors=True)
            if self.location.exists():
                raise ClusterError(f"could not remove {self.location}")

    # -- internals ---------------------------------------------------------------------

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """One Coastwatch process at a time starts, stops or creates this cluster."""
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / ".cluster.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _check_version(self) -> None:
        version = self.data_version()
        bin_version = _bindir_version(self._bindir())
        if version != bin_version:
            raise ClusterError(
                f"the data directory {self.data_dir} was made by PostgreSQL {version}, "
                f"but this machine runs PostgreSQL {bin_version}",
                hint="`coastwatch db reset --yes` drops it and starts afresh (its data is lost); "
                "to keep the data, install PostgreSQL "
                f"{version} or upgrade the directory with pg_upgrade",
            )

    def _server_ids(self) -> tuple[int, int] | None:
        """uid and gid to run the server as, when running as root (creating the user)."""
        if not self._as_root:
            return None
        try:
            entry = pwd.getpwnam(self.server_user)
        except KeyError:
            self._create_server_user()
            entry = pwd.getpwnam(self.server_user)
        if entry.pw_uid == 0:
            raise ClusterError(
                f"the server user {self.server_user!r} is root",
                hint="set COASTWATCH_SERVER_OS_USER to an unprivileged user",
            )
        return entry.pw_uid, entry.pw_gid

    def _create_server_user(self) -> None:
        log.info("creating the system user %r for the embedded server", self.server_user)
        result = subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                str(ROOT_STATE_DIR),
                "--shell",
                "/usr/sbin/nologin",
                self.server_user,
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise ClusterError(
                f"cannot create the server user {self.server_user!r}: {result.stderr.strip()}",
                hint="create an unprivileged system user and set COASTWATCH_SERVER_OS_USER",
            )

    def _prepare_location(self) -> None:
        sock = str(self.socket_dir / f".s.PGSQL.{self.port}")
        if len(sock) > _SOCKET_PATH_MAX:
            raise ClusterError(
                f"the socket path {sock} is too long for a Unix socket",
                hint="set COASTWATCH_HOME to a shorter path",
            )
        ids = self._server_ids()
        if ids is not None:
            ROOT_STATE_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        for path in (self.location, self.socket_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.chmod(0o700)
            if ids is not None:
                os.chown(path, *ids)

    def _init(self) -> None:
        self._prepare_location()
        staging = self.location / "data.initdb"
        if staging.exists():
            shutil.rmtree(staging)  # left by an interrupted init
        bindir = self._bindir()
        log.info("initialising a PostgreSQL %s cluster in %s", bindir.parent.name, self.data_dir)
        self._run_pg(
            [
                "initdb",
                "-D",
                str(staging),
                "-U",
                ROLE,
                "--auth-local=trust",
                "--auth-host=reject",
                "--encoding=UTF8",
                "--no-locale",
                "--no-instructions",
            ]
        )
        with open(staging / "postgresql.conf", "a") as conf:
            conf.write(f"\n# Coastwatch: the settings in force are in {_CONF_FILE}\n")
            conf.write(f"include_if_exists = '{_CONF_FILE}'\n")
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        staging.rename(self.data_dir)  # only a fully made cluster is ever started

    def _write_conf(self) -> None:
        fsync = "on" if self.settings.embedded_fsync else "off"
        socket_dir = str(self.socket_dir).replace("'", "''")
        lines = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{socket_dir}'",
            "port": str(self.port),
            "shared_buffers": "'256MB'",
            "maintenance_work_mem": "'512MB'",
            "max_wal_size": "'4GB'",
            # no replicas of a private cluster: bulk loads into new tables skip the WAL
            "wal_level": "minimal",
            "max_wal_senders": "0",
            "fsync": fsync,
            "synchronous_commit": fsync,
            "full_page_writes": fsync,
        }
        path = self.data_dir / _CONF_FILE
        path.write_text("".join(f"{key} = {value}\n" for key, value in lines.items()))
        ids = self._server_ids()
        if ids is not None:
            os.chown(path, *ids)

    def _start(self) -> None:
        self._prepare_location()
        self._write_conf()
        pid = self._server_pid()
        if pid is not None and not self._is_our_server(pid):
            # Left by a crash; the pid may even belong to another process by now, which
            # PostgreSQL would take for a running server and refuse to start.
            log.warning("removing a stale postmaster.pid (pid %d is not this server)", pid)
            (self.data_dir / "postmaster.pid").unlink()
        # After a kill -9 the old backends hold the shared memory for a moment;
        # PostgreSQL sorts that out, given a few tries.
        for attempt in range(1, _START_ATTEMPTS + 1):
            result = self._run_pg(
                [
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    "60",
                ],
                check=False,
            )
            if result.returncode == 0:
                return
            if attempt < _START_ATTEMPTS:
                log.info("server did not start (attempt %d), retrying", attempt)
                time.sleep(attempt)
        raise ClusterError(
            f"the PostgreSQL server in {self.data_dir} does not start:\n{self._log_tail()}",
            hint=f"read {self.log_file}",
        )

    def _log_tail(self, lines: int = 8) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _admin_connect(self) -> psycopg.Connection[tuple[object, ...]]:
        """Connect to the maintenance database, restarting a server that just died.

        Right after a ``kill -9`` the pid file can still name a process on its way out, so
        the server looks up but refuses connections: wait for it to go, then start anew.
        """
        deadline = time.monotonic() + _CONNECT_TIMEOUT_S
        while True:
            try:
                return psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10)
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise ClusterError(
                        f"the embedded server does not accept connections: {exc}",
                        hint=f"read {self.log_file}; `coastwatch db down` then `db up` restarts it",
                    ) from None
                time.sleep(0.5)
                if not self.is_running():
                    self._start()

    def _ensure_database(self) -> None:
        with self._admin_connect() as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def _run_pg(
        self, argv: Sequence[str], *, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a server program as the server's user, with the bin directory first on PATH."""
        bindir = self._bindir()
        env = {"PATH": f"{bindir}:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(self.location)}
        ids = self._server_ids()
        result = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            env=env,
            cwd=self.location if self.location.is_dir() else "/",
            user=None if ids is None else ids[0],
            group=None if ids is None else ids[1],
            extra_groups=None if ids is None else [],
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"{argv[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout}"
            )
        return result
