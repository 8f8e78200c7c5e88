"""What every command shares: the application context (settings, store, the acting user),
the consoles and a spinner for long steps.

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
    from surveillance.store import Store, UserRecord

__all__ = [
    "AppContext",
    "pass_app",
    "console",
    "out",
    "step",
    "by_option",
    "who",
    "os_user",
    "env_password",
]

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

    def __init__(
        self, config_file: Path | None, overrides: dict[str, Any], as_user: str | None = None
    ) -> None:
        self.config_file = config_file
        self._overrides = overrides
        self._settings: Settings | None = None
        self._as_user = as_user
        self._user: UserRecord | None = None

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

    @property
    def user(self) -> UserRecord:
        """Who acts: ``--as NAME`` (logged in with its password, from ``COASTWATCH_PASSWORD``
        or a prompt), else the Coastwatch user named after the OS user, whom the store's
        credentials (the embedded store's socket, the service URL) already vouch for."""
        if self._user is None:
            self._user = self._identify()
        return self._user

    def act_as(self, user: UserRecord) -> None:
        """Act as ``user`` from here on: ``demo`` runs each step as the user whose role does
        it, having checked that the one who runs it is an admin."""
        self._user = user

    def given_new_password(self) -> str | None:
        """``COASTWATCH_PASSWORD`` as a new password (a user added, the first admin, the
        demo users), unless it is the password of the user given to ``--as``."""
        return None if self._as_user is not None else env_password()

    @property
    def actor(self) -> str:
        """The acting user's name, as the audit trail records it."""
        return self.user.username

    def require(self, ability: str) -> UserRecord:
        """The acting user, if their role holds ``ability`` (else AccessDenied, exit 6)."""
        from surveillance.access import require

        user = self.user
        require(user.username, user.role, ability)
        return user

    def user_store(self, ability: str) -> Store:
        """The store as the acting user's role sees it (grants, row-level security), once
        the role is checked for ``ability``; close it (use it as a context manager)."""
        user = self.require(ability)
        with self.open_store() as store:
            return store.as_role(user.role)

    def _identify(self) -> UserRecord:
        from surveillance.errors import AccessDenied
        from surveillance.store import LoginPolicy

        with self.open_store() as store:
            if self._as_user is not None:
                password = env_password() or click.prompt(
                    f"password of {self._as_user}", hide_input=True, err=True
                )
                settings = self.settings
                policy = LoginPolicy(
                    settings.login_lock_after, settings.login_lock_minutes, settings.login_delay_s
                )
                return store.login(self._as_user, password, via="cli", policy=policy)
            name = os_user()
            found = store.user(name)
        if found is None:
            raise AccessDenied(
                f"{name} is not a Coastwatch user of this store",
                hint="act as one with `coastwatch --as NAME ...`, or ask an admin for "
                f"`coastwatch users add {name} --role ROLE`",
            )
        if found.disabled:
            raise AccessDenied(f"{name} is disabled", hint="ask an admin")
        return found


pass_app = click.make_pass_decorator(AppContext)


@contextmanager
def step(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner for one long step; yields a function that updates its text."""
    with console.status(message) as status:
        yield lambda text: status.update(text)


def os_user() -> str:
    """The OS user's name (whose Coastwatch user the CLI acts as by default)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry (some containers)
        raise InputError("cannot tell who you are", hint="give --as NAME") from None


def env_password() -> str | None:
    """``COASTWATCH_PASSWORD``, for scripts (None when unset or empty); never printed."""
    import os

    return os.environ.get("COASTWATCH_PASSWORD") or None


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
