"""Every command says which ability it needs (surveillance/access.py), and the CLI checks
it before the command runs; the few commands that need none are named here, with why."""

import click

from surveillance.access import ABILITIES
from surveillance.cli import cli
from surveillance.cli.app import ability_of
from surveillance.cli.pending import PendingCommand
from surveillance.cli.root import attach_commands

#: Commands no role gates, and why: the store's own life and the settings (whoever holds
#: the store's credentials runs them), files only, or a placeholder.
UNGATED = {
    ("config",): "prints the settings in force, secrets masked",
    ("db", "up"): "brings the store up (and makes the first admin)",
    ("db", "down"): "stops the embedded store",
    ("db", "status"): "says whether the store is up",
    ("db", "servers", "list"): "says which store servers answer, as db status does",
    ("db", "url"): "the store's address, for its owner",
    ("db", "reset"): "the store's owner starts again",
    ("dashboard",): "the dashboard logs each user in itself",
    ("demo",): "brings a store up first; then the admin's (checked), each step as a role that may",
    ("simulate",): "writes scenario files, touches no store",
    ("users", "passwd"): "anyone may change their own password; another's needs users",
}

#: What each command needs, by role: the gates the issue asks for.
EXPECTED = {
    ("alerts", "list"): "alerts.read",
    ("alerts", "show"): "alerts.read",
    ("alerts", "ack"): "alerts.ack",
    ("alerts", "note"): "alerts.note",
    ("alerts", "escalate"): "alerts.escalate",
    ("alerts", "dismiss"): "alerts.dismiss",
    ("alerts", "close"): "alerts.close",
    ("watchlist", "add"): "watchlist.edit",
    ("watchlist", "import"): "watchlist.edit",
    ("watchlist", "list"): "alerts.read",
    ("report",): "reports",
    ("users", "add"): "users",
    ("users", "list"): "users",
    ("users", "disable"): "users",
    ("users", "enable"): "users",
    ("users", "role"): "users",
    ("audit", "list"): "audit",
    ("audit", "verify"): "audit",
    ("mission", "plan", "survey"): "missions",
    ("mission", "plan", "intercept"): "missions",
    ("mission", "upload"): "missions",
    ("mission", "sighting"): "missions",
    ("mission", "list"): "missions.read",
    ("crawl",): "sources",
    ("ingest", "ais"): "sources",
    ("detect",): "sources",
    ("workers",): "sources",
    ("scenes", "list"): "map",
}


def leaves(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> dict[tuple[str, ...], click.Command]:
    found: dict[tuple[str, ...], click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(leaves(command, (*prefix, name)))
        else:
            found[(*prefix, name)] = command
    return found


def attached() -> dict[tuple[str, ...], click.Command]:
    attach_commands(cli)
    return leaves(cli)


def test_every_command_is_gated_by_an_ability_or_named_as_ungated() -> None:
    commands = attached()
    loose = [
        path
        for path, command in commands.items()
        if ability_of(command) is None
        and path not in UNGATED
        and not isinstance(command, PendingCommand)
    ]
    assert loose == []
    assert all(ability_of(c) in ABILITIES for c in commands.values() if ability_of(c))
    assert set(UNGATED) <= set(commands)


def test_each_command_needs_the_ability_its_users_hold() -> None:
    commands = attached()
    assert {path: ability_of(commands[path]) for path in EXPECTED} == EXPECTED
