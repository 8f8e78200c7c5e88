"""The ``coastwatch`` command line: the core commands, plus those other packages plug in.

Packages add commands through the ``coastwatch.commands`` entry-point group; a dotted name
(``ingest.ais``) attaches a command to a core group (``ingest``). Exit codes: 0 done,
1 failed, 2 bad usage or input, 3 not available yet, 4 store unreachable, 130 interrupted.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from surveillance.errors import CoastwatchError
from surveillance.settings import Settings, load_settings
from surveillance.store import Store

__all__ = ["main", "cli", "AppContext", "pass_app"]

log = logging.getLogger(__name__)
console = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class AppContext:
    """What every command gets: the settings (built once, on first use) and the store."""

    def __init__(self, config_file: Path | None, overrides: dict[str, Any]) -> None:
        self.config_file = config_file
        self._overrides = overrides
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_file, **self._overrides)
        return self._settings

    def open_store(self, *, migrate: bool = True) -> Store:
        """The store, with the embedded cluster started and the schema migrated if needed."""
        with step("opening the store"):
            return Store.open(self.settings, migrate=migrate)


pass_app = click.make_pass_decorator(AppContext)


@contextmanager
def step(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner for one long step; yields a function that updates its text."""
    with console.status(message) as status:
        yield lambda text: status.update(text)


def _configure_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 0 else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("surveillance").setLevel(logging.DEBUG if verbose else logging.INFO)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML settings file (default: $COASTWATCH_CONFIG, ~/.config/coastwatch/coastwatch.toml).",
)
@click.option(
    "--home",
    type=click.Path(path_type=Path, file_okay=False),
    help="State directory (cluster, caches).",
)
@click.option("--database-url", help="Use this PostGIS instead of the embedded cluster.")
@click.option("-v", "--verbose", count=True, help="More log output.")
@click.version_option(package_name="coastwatch")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: Path | None,
    home: Path | None,
    database_url: str | None,
    verbose: int,
) -> None:
    """Coastwatch: coastal surveillance and maritime intelligence.

    Settings come from defaults, then the TOML file, then COASTWATCH_* environment
    variables, then these flags. `coastwatch config` shows what is in force.
    """
    _configure_logging(verbose)
    ctx.obj = AppContext(config_file, {"home": home, "database_url": database_url})


@cli.command()
@pass_app
def config(app: AppContext) -> None:
    """Print the settings in force (secrets masked)."""
    table = Table("setting", "value", "environment variable", box=None)
    for name, value in app.settings.describe().items():
        table.add_row(name, value, f"COASTWATCH_{name.upper().replace('.', '__')}")
    out.print(table)


@cli.group()
def ingest() -> None:
    """Load AIS, satellite scenes or drone telemetry into the store."""


def _attach_plugins(root: click.Group) -> None:
    for ep in sorted(entry_points(group="coastwatch.commands"), key=lambda e: e.name):
        *parents, name = ep.name.split(".")
        group: click.Group = root
        for parent in parents:
            found = group.commands.get(parent)
            if not isinstance(found, click.Group):
                log.warning("command %s: no group %r to attach to", ep.name, parent)
                break
            group = found
        else:
            try:
                command = ep.load()
            except Exception as exc:  # a broken plugin must not take the CLI down
                log.warning("command %s could not be loaded: %s", ep.name, exc)
                continue
            group.add_command(command, name)


def _register_core() -> None:
    from surveillance import cli_db, cli_demo, cli_report

    for command in (
        cli_db.db,
        cli_db.geo,
        cli_demo.demo,
        cli_report.report,
    ):
        cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turn errors into messages and exit codes."""
    _register_core()
    _attach_plugins(cli)
    try:
        code = cli.main(args=argv, prog_name="coastwatch", standalone_mode=False)
    except click.exceptions.Abort as exc:
        interrupted = isinstance(exc.__context__, KeyboardInterrupt)
        console.print("interrupted" if interrupted else "aborted")
        sys.exit(130 if interrupted else 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CoastwatchError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        if exc.hint:
            console.print(f"[bold]hint:[/] {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
