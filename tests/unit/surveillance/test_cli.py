"""The command line without a store: help, settings, placeholders and exit codes."""

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
import pytest

from surveillance.cli import cli, main
from tests.builders.cli import run


def every_command_path(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(every_command_path(command, (*prefix, name)))
    return paths


def test_every_command_has_useful_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    paths = every_command_path(cli)
    assert ("db", "status") in paths and ("ingest", "ais") in paths
    for path in paths:
        with pytest.raises(SystemExit) as done:
            main([*path, "--help"])
        assert done.value.code == 0, path
        assert "Usage: coastwatch " + " ".join(path) in capsys.readouterr().out


def test_every_registered_command_is_attached() -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    paths = every_command_path(cli)
    names = [ep.name for ep in entry_points(group="coastwatch.commands")]
    assert {"db", "report", "config", "ingest", "ingest.ais"} <= set(names)
    for name in names:
        assert tuple(name.split(".")) in paths, name


#: What ``--help`` must not wait for: each takes a good part of a second to import.
HEAVY = ["pandas", "numpy", "geopandas", "shapely", "sqlalchemy", "pyais", "streamlit"]
HEAVY += [
    "pydantic",
    "psycopg",
    "matplotlib",
    "rich",
    "surveillance.store",
    "surveillance.settings",
]
#: Runs in a fresh interpreter: --help of the root and of every command, then what loaded.
_HELP_EVERYWHERE = """
import click, contextlib, io, sys
from surveillance.cli import cli, main

def walk(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from walk(command, (*prefix, name))

with contextlib.redirect_stdout(io.StringIO()):
    for path in [(), *walk(cli)]:
        try:
            main([*path, "--help"])
        except SystemExit:
            pass
print(" ".join(m for m in sys.argv[1:] if m in sys.modules))
"""


def test_help_imports_no_heavy_library() -> None:
    """The root's and every command's --help answer from click alone (the speed goal)."""
    ran = subprocess.run(
        [sys.executable, "-c", _HELP_EVERYWHERE, *HEAVY], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == []


def test_config_shows_settings_and_masks_secrets(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "COASTWATCH_DATABASE_URL": "postgresql://cw:hunter2@db/cw",
    }
    result = run("config", env=env)
    assert result.returncode == 0
    assert "territorial_sea_nm" in result.stdout and "12.0" in result.stdout
    assert "hunter2" not in result.stdout and "cw:***@db" in result.stdout


def test_bad_settings_exit_2_without_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COASTWATCH_TERRITORIAL_SEA_NM": "wide"}
    result = run("config", env=env)
    assert result.returncode == 2
    assert "territorial_sea_nm" in result.stderr and "Traceback" not in result.stderr


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run("--config", str(tmp_path / "nope.toml"), "config")
    assert result.returncode == 2 and "config file not found" in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run("launch-missiles")
    assert result.returncode == 2 and "No such command" in result.stderr
