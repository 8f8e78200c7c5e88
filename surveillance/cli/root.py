"""The ``coastwatch`` root group and :func:`main`, the console script.

Every command, the core's own included, plugs in through the ``coastwatch.commands``
entry-point group (pyproject.toml); a dotted name (``ingest.ais``) attaches a command to a
group (``ingest``), so groups attach before their members. Exit codes: 0 done, 1 failed,
2 bad usage or input, 3 not available yet, 4 store unreachable, 5 vehicle, 6 not
allowed (role, login), 130 interrupted.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import NoReturn

import click

from surveillance.cli.app import AppContext, console
from surveillance.errors import CoastwatchError

__all__ = ["main", "cli", "attach_commands"]

log = logging.getLogger(__name__)

#: The entry-point group where packages (the core included) register their commands.
COMMANDS_GROUP = "coastwatch.commands"


def _configure_logging(verbose: int, database_url: str | None) -> None:
    from surveillance.redaction import MaskingFormatter, secrets_in_force

    level = logging.DEBUG if verbose > 0 else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter("%(message)s", secrets_in_force(database_url)))
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
@click.option(
    "--as",
    "as_user",
    metavar="NAME",
    help="Act as this Coastwatch user (password: prompt or $COASTWATCH_PASSWORD); "
    "default: the user named after your OS user.",
)
@click.option("-v", "--verbose", count=True, help="More log output.")
@click.version_option(package_name="coastwatch")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: Path | None,
    home: Path | None,
    database_url: str | None,
    as_user: str | None,
    verbose: int,
) -> None:
    """Coastwatch: coastal surveillance and maritime intelligence.

    Settings come from defaults, then the TOML file, then COASTWATCH_* environment
    variables, then these flags. `coastwatch config` shows what is in force.
    """
    _configure_logging(verbose, database_url)
    ctx.obj = AppContext(config_file, {"home": home, "database_url": database_url}, as_user)


def _depth_then_name(ep: EntryPoint) -> tuple[int, str]:
    return ep.name.count("."), ep.name


def attach_commands(root: click.Group) -> None:
    """Attach every registered command to ``root``: groups first, then what goes in them."""
    for ep in sorted(entry_points(group=COMMANDS_GROUP), key=_depth_then_name):
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


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turn errors into messages and exit codes."""
    attach_commands(cli)
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
        _fail(exc)
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        lost = _lost_store(exc)
        if lost is None:
            raise
        _fail(lost)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(error: CoastwatchError) -> NoReturn:
    """Say what went wrong (and what to do) and exit with the error's code."""
    from rich.markup import escape

    from surveillance.redaction import mask_secrets, secrets_in_force

    said = mask_secrets(str(error), secrets_in_force())
    console.print(f"[bold red]error:[/] {escape(said)}", highlight=False)
    if error.hint:
        console.print(f"[bold]hint:[/] {escape(error.hint)}", highlight=False)
    sys.exit(error.exit_code)


def _lost_store(error: Exception) -> CoastwatchError | None:
    """A broken connection to the store, as a StoreError; None for anything else. Only
    a command that reached the store has loaded its driver, so the rest pay nothing."""
    if "psycopg" not in sys.modules:
        return None
    from surveillance.store.connection import lost_store

    return lost_store(error)
