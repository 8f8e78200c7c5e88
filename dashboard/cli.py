"""``coastwatch dashboard``: the Streamlit app, with the store brought up as everywhere else."""

from __future__ import annotations

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


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the app: headless, no telemetry, no file watcher."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def _environment(app: AppContext) -> dict[str, str]:
    """The settings in force, handed to the app's process through its environment."""
    env = dict(os.environ)
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
    the app opens on what the store holds.
    """
    from surveillance.reference import load_geography

    with app.open_store() as store:
        load_geography(app.settings, store)  # the base map is drawn from it
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(
            f"[yellow]listening on {host}: anyone who can reach it sees the alerts; "
            "put it behind an authenticating proxy[/yellow]"
        )
    console.print(f"dashboard on http://{host}:{port}/ ; Ctrl-C stops it")
    server = subprocess.Popen(streamlit_command(host, port), env=_environment(app))
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        code = server.wait()
        return
    if code != 0:
        raise CoastwatchError(f"the dashboard server stopped with exit code {code}")
