"""``coastwatch dashboard``: the Streamlit app, with the store brought up as everywhere else."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from surveillance.cli.app import AppContext, console, pass_app
from surveillance.errors import CoastwatchError

__all__ = ["dashboard", "streamlit_command"]

APP = Path(__file__).with_name("app.py")
#: Signals that stop the server as Ctrl-C does; the command then exits 130 (interrupted).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
INTERRUPTED = 130
_STOP_S = 20.0  # how long the server has to stop before it is killed


class _Stopped(Exception):
    """A stop signal arrived: raised by its handler, in the main thread, out of the wait."""


def _raise_stopped(signum: int, frame: object) -> None:
    raise _Stopped(signal.Signals(signum).name)


def _stop(server: subprocess.Popen[bytes], how: signal.Signals) -> None:
    """Ask the server to stop (Streamlit stops on SIGINT and SIGTERM) and wait for it;
    kill it when it has not stopped within ``_STOP_S``. Further stop signals are ignored
    meanwhile, so the port is free when this returns."""
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    if server.poll() is None:
        server.send_signal(how)
    try:
        server.wait(timeout=_STOP_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the app: headless, no telemetry, no file watcher."""
    from surveillance.uploads import MAX_UPLOAD_BYTES  # shapely: not for `--help`

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",  # MB; each kind's own limit is checked on reading
        str(math.ceil(MAX_UPLOAD_BYTES / 2**20)),
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",  # an unexpected error's traceback stays in the log
        "type",
    ]


def _environment(app: AppContext) -> dict[str, str]:
    """The settings in force, handed to the app's process through its environment (not a
    CLI password: every dashboard user logs in for themselves)."""
    env = {name: value for name, value in os.environ.items() if name != "COASTWATCH_PASSWORD"}
    settings = app.settings
    env["COASTWATCH_HOME"] = str(settings.home)
    if settings.database_url is not None:
        env["COASTWATCH_DATABASE_URL"] = settings.database_url.get_secret_value()
    config = app.config_file
    if config is not None:
        env["COASTWATCH_CONFIG"] = str(config)
    return env


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@pass_app
def dashboard(app: AppContext, host: str, port: int) -> None:
    """Serve the dashboard (operations map, alerts, vessels, reports, sources) until Ctrl-C.

    The store is brought up first (the embedded cluster starts if it is not running), so
    the app opens on what the store holds. SIGTERM and SIGHUP stop the server too, and the
    command then exits 130 (interrupted).
    """
    from surveillance.reference import load_geography

    with app.open_store() as store:
        load_geography(app.settings, store)  # the base map is drawn from it
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(
            f"[yellow]listening on {host}: its login form sends passwords as they are "
            "typed; serve it over TLS (a proxy) beyond this machine[/yellow]"
        )
    console.print(f"dashboard on http://{host}:{port}/ ; Ctrl-C stops it")
    previous = {s: signal.signal(s, _raise_stopped) for s in STOP_SIGNALS}
    try:
        server = subprocess.Popen(streamlit_command(host, port), env=_environment(app))
        try:
            code = server.wait()
        except KeyboardInterrupt:
            _stop(server, signal.SIGINT)
            return
        except _Stopped as stopped:
            _stop(server, signal.SIGTERM)
            console.print(f"{stopped}: the dashboard stopped")
            raise click.exceptions.Exit(INTERRUPTED) from None
    finally:
        for stop_signal, handler in previous.items():
            signal.signal(stop_signal, handler)
    if code != 0:
        raise CoastwatchError(f"the dashboard server stopped with exit code {code}")
