"""``coastwatch users``: add users, set their password and role, disable them, list them.

Admin only (the ``users`` ability), but for ``users passwd`` of oneself. A new password
comes from ``COASTWATCH_PASSWORD`` (for scripts), else from a hidden prompt asked twice; with
``--as`` that variable is the acting user's own password, so the new one is asked for. It is
never echoed, logged or stored but as its argon2 hash (and its database role's SCRAM
verifier).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from surveillance.access import ROLES
from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.errors import InputError
from surveillance.times import iso_utc, people_utc

if TYPE_CHECKING:
    from surveillance.store import UserRecord

__all__ = ["users"]


@click.group()
def users() -> None:
    """Who may use Coastwatch and with which role (monitor, intel, drone_operator, analyst,
    admin); each user also logs in to the database with their role's rights."""


def _new_password(app: AppContext, name: str) -> str:
    """The new password for ``name``: ``COASTWATCH_PASSWORD`` unless it logged in ``--as``
    someone, else asked twice at a hidden prompt."""
    given = app.given_new_password()
    if given is not None:
        return given
    password: str = click.prompt(
        f"new password of {name}",
        hide_input=True,
        confirmation_prompt="the same again",
        err=True,
    )
    return password


_ROLE = click.Choice(ROLES)


@users.command("add")
@click.argument("name")
@click.option("--role", type=_ROLE, required=True, help="What the user may see and do.")
@click.option("--display-name", metavar="TEXT", help="The name people see (default: NAME).")
@pass_app
@needs("users")
def add(app: AppContext, name: str, role: str, display_name: str | None) -> None:
    """Add user NAME with ROLE (password: $COASTWATCH_PASSWORD or a prompt)."""
    from surveillance.store.users import check_username

    actor = app.actor
    check_username(name)  # before asking for a password
    password = _new_password(app, name)
    with app.open_store() as store:
        added = store.add_user(name, role, password, by=actor, display_name=display_name)
    login = f"database role {added.db_role}" if added.db_role else "no database role"
    console.print(f"user {name} added as {role} ({login})", markup=False)


@users.command("passwd")
@click.argument("name", required=False)
@pass_app
def passwd(app: AppContext, name: str | None) -> None:
    """Set NAME's password (default: your own) and clear a lock; another's: admin only."""
    actor = app.actor
    name = name or actor
    if name != actor:
        app.require("users")
    with app.open_store() as store:
        if store.user(name) is None:  # before asking for a password
            raise InputError(f"no user {name!r}", hint="`coastwatch users list` shows them")
        store.set_password(name, _new_password(app, name), by=actor)
    console.print(f"password of {name} set", markup=False)


@users.command("disable")
@click.argument("name")
@pass_app
@needs("users")
def disable(app: AppContext, name: str) -> None:
    """Disable NAME: no more logins, by dashboard, CLI or database."""
    _set_disabled(app, name, True)


@users.command("enable")
@click.argument("name")
@pass_app
@needs("users")
def enable(app: AppContext, name: str) -> None:
    """Enable NAME again."""
    _set_disabled(app, name, False)


def _set_disabled(app: AppContext, name: str, disabled: bool) -> None:
    actor = app.actor
    if disabled and name == actor:
        raise InputError("you cannot disable yourself", hint="ask another admin")
    with app.open_store() as store:
        store.set_disabled(name, disabled, by=actor)
    console.print(f"user {name} {'disabled' if disabled else 'enabled'}", markup=False)


@users.command("role")
@click.argument("name")
@click.argument("role", type=_ROLE)
@pass_app
@needs("users")
def role(app: AppContext, name: str, role: str) -> None:
    """Give NAME the role ROLE."""
    actor = app.actor
    with app.open_store() as store:
        store.set_role(name, role, by=actor)
    console.print(f"user {name} is now {role}", markup=False)


def _locked_until(user: UserRecord) -> datetime | None:
    """Until when ``user`` is locked, if the lock still holds."""
    until = user.locked_until
    return until if until is not None and until > datetime.now(UTC) else None


def _record(user: UserRecord) -> dict[str, Any]:
    """A user as ``users list --format json`` prints it."""
    return {
        "name": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "disabled": user.disabled,
        "locked_until": iso_utc(_locked_until(user)),
        "last_login": iso_utc(user.last_login_at),
        "db_role": user.db_role,
    }


@users.command("list")
@format_option(
    "json: one array of {name, role, display_name, disabled, locked_until, last_login, db_role}."
)
@pass_app
@needs("users")
def list_users(app: AppContext, fmt: str) -> None:
    """List the users: name, role, disabled, locked until, last login (UTC), database role."""
    from rich.markup import escape
    from rich.table import Table

    with app.open_store() as store:
        found = store.users()
    if fmt == "json":
        click.echo(json.dumps([_record(u) for u in found], indent=2))
        return
    table = Table("name", "role", "display name", "disabled", "locked until", "last login")
    table.add_column("database role")
    table.box = None
    for user in found:
        table.add_row(
            escape(user.username),
            user.role,
            escape(user.display_name or ""),
            "yes" if user.disabled else "",
            people_utc(_locked_until(user), missing=""),
            people_utc(user.last_login_at, missing="never"),
            escape(user.db_role or "none"),
        )
    out.print(table)
