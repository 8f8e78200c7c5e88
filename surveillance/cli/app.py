"""What every command shares: the application context (settings, store), the consoles, a
spinner for long steps, and who is acting (for the audit trail).

Light on purpose: every command module imports it at its top, before any command runs, so
the settings and the store are imported only when a command asks for them.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from surveillance.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from surveillance.settings import Settings
    from surveillance.store import Store

__all__ = ["AppContext", "pass_app", "console", "out", "step", "by_option", "who"]

F = TypeVar("F", bound=Callable[..., Any])


class _Deferred:
    """A rich ``Console`` made on first use, so that ``--help`` does not wait for rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __enter__(self) -> Console:  # rich's live displays hold the console as a context
        return self._made().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._made().__exit__(*exc)


#: Messages, spinners and progress (stderr); ``out`` is what a command prints (stdout).
console = cast("Console", _Deferred(stderr=True, soft_wrap=True))
out = cast("Console", _Deferred(highlight=False, soft_wrap=True))


class AppContext:
    """What every command gets: the settings (built once, on first use) and the store."""

    def __init__(self, config_file: Path | None, overrides: dict[str, Any]) -> None:
        self.config_file = config_file
        self._overrides = overrides
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from surveillance.settings import load_settings

            self._settings = load_settings(self.config_file, **self._overrides)
        return self._settings

    def open_store(self, *, migrate: bool = True) -> Store:
        """The store, with the embedded cluster started and the schema migrated if needed."""
        from surveillance.store import Store

        with step("opening the store"):
            return Store.open(self.settings, migrate=migrate)


pass_app = click.make_pass_decorator(AppContext)


@contextmanager
def step(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner for one long step; yields a function that updates its text."""
    with console.status(message) as status:
        yield lambda text: status.update(text)


def by_option(command: F) -> F:
    """``--by NAME``: who acts, for the audit trail (default: the OS user name)."""
    return click.option(
        "--by", metavar="NAME", help="Who acts, for the audit trail (default: your user name)."
    )(command)


def who(by: str | None) -> str:
    """The actor: ``--by`` if given, else the OS user name."""
    if by is not None:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry (some containers)
        raise InputError("cannot tell who you are", hint="give --by NAME") from None
