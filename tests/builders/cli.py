"""How tests run ``coastwatch``: in process on a store (the real ``main``: plugins, error
messages, exit codes), or as a child process, the way a person at a shell runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from click.testing import CliRunner

from surveillance.cli import main
from tests.builders.users import PASSWORD

__all__ = ["COASTWATCH", "Coastwatch", "Ran", "as_user", "invoke", "run", "start"]

COASTWATCH = (sys.executable, "-m", "surveillance")
"""The command line of ``coastwatch`` in this interpreter, whatever is on PATH."""


@dataclass
class Ran:
    """What one in-process ``coastwatch`` command did: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str


Coastwatch = Callable[..., Ran]
"""The ``coastwatch`` fixture: ``coastwatch("alerts", "list")`` runs on the test's store."""


def invoke(
    database_url: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Ran:
    """``coastwatch --database-url URL ARGS`` in process, 160 columns wide; never a traceback.
    ``env``: more environment variables (``COASTWATCH_PASSWORD``); ``input``: what is typed
    at its prompts."""
    code: int | str | None = 0
    isolated = CliRunner().isolation(input=input, env={"COLUMNS": "160", **(env or {})})
    with isolated as (stdout, stderr, _):
        try:
            main(["--database-url", database_url, *args])
        except SystemExit as exc:
            code = exc.code
    assert isinstance(code, int), code
    ran = Ran(code, stdout.getvalue().decode(), stderr.getvalue().decode())
    assert "Traceback" not in ran.stderr, ran.stderr
    return ran


def as_user(coastwatch: Coastwatch, name: str, password: str = PASSWORD) -> Coastwatch:
    """``coastwatch`` acting as the user ``name``: ``--as NAME``, its password in
    ``COASTWATCH_PASSWORD`` (as a script gives it)."""

    def runs(*args: str) -> Ran:
        return coastwatch("--as", name, *args, env={"COASTWATCH_PASSWORD": password})

    return runs


def run(
    *args: str, env: Mapping[str, str] | None = None, timeout_s: float = 600.0
) -> subprocess.CompletedProcess[str]:
    """``coastwatch ARGS`` as a child process to its end, stdin closed, output captured."""
    return subprocess.run(
        [*COASTWATCH, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=timeout_s,
    )


def start(
    *args: str,
    env: Mapping[str, str] | None = None,
    stderr: int = subprocess.PIPE,
    new_session: bool = False,
) -> subprocess.Popen[str]:
    """``coastwatch ARGS`` left running (a follower, a server), its output piped; pass
    ``stderr=subprocess.STDOUT`` to read both streams as one, ``new_session`` to make it lead
    a process group of its own (so that whatever it starts can be ended with it)."""
    return subprocess.Popen(
        [*COASTWATCH, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=new_session,
    )
