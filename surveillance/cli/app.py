"""What every command shares: the application context (settings, store, the acting user),
the gate each command passes (:func:`needs`), the consoles and a spinner for long steps.

Light on purpose: every command module imports it at its top, before any command runs, so
the settings and the store are imported only when a command asks for them.
"""

from __future__ import annotations

import functools
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
    "ability_of",
    "console",
    "env_password",
    "format_option",
    "needs",
    "os_user",
    "out",
    "pass_app",
    "step",
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

    def given_new_password(self) -> str | None:
        """``COASTWATCH_PASSWORD`` as a new password (a user added, the first admin, the
        demo users), unless it is the password of the user given to ``--as``."""
        return None if self._as_user is not None else env_password()

    @property
    def actor(self) -> str:
        """The acting user's name, as the audit trail records it."""
        return self.user.username

    @contextmanager
    def acting_as(self, user: UserRecord) -> Iterator[None]:
        """Commands invoked inside act as ``user``, logged in already (the demo runs each
        step as a user whose role may run it); then as before."""
        before, self._user = self._user, user
        try:
            yield
        finally:
            self._user = before

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

_ABILITY = "coastwatch_ability"


def needs(ability: str) -> Callable[[F], F]:
    """The command needs ``ability`` (:data:`surveillance.access.ABILITIES`): the acting
    user's role is checked before the command does anything, so a refusal (AccessDenied,
    exit 6) has read no file, opened no link and changed nothing. Put it under the
    command's options, right above the function."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def gated(*args: Any, **kwargs: Any) -> Any:
            app = click.get_current_context().find_object(AppContext)
            assert app is not None, "every command runs under the root group"
            app.require(ability)
            return command(*args, **kwargs)

        setattr(gated, _ABILITY, ability)
        return cast("F", gated)

    return decorate


def format_option(help: str, *, choices: tuple[str, ...] = ("table", "json")) -> Callable[[F], F]:
    """``--format`` (as ``fmt``): a table for people (the default), or ``help``'s other
    formats for tools."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="table",
        show_default=True,
        help=help,
    )


def ability_of(command: click.Command) -> str | None:
    """The ability a command :func:`needs` (None: it is not gated)."""
    return getattr(command.callback, _ABILITY, None)


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
