"""``coastwatch audit``: read the append-only audit log and verify its hash chain (admin).

Actors, subjects and details may carry text from outside (a user name tried at a login, an
alert's note): tables print them escaped, never as rich markup.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any, NoReturn

import click

from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.errors import InputError
from surveillance.times import EXAMPLE, iso_utc, parse_time, people_utc

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The audit log: logins, alert actions, exports, user and role changes, mission
    uploads. Nobody may edit it, and each row carries the hash of the one before."""


def _record(row: Mapping[Hashable, Any]) -> dict[str, Any]:
    """A row as ``audit list --format json`` prints it."""
    return {
        "id": int(row["id"]),
        "ts": iso_utc(row["ts"]),
        "actor": row["actor"],
        "db_user": row["db_user"],
        "action": row["action"],
        "subject": row["subject"],
        "detail": row["detail"],
        "hash": row["hash"],
    }


@audit.command("list")
@click.option("--user", metavar="NAME", help="Only what this user did.")
@click.option("--since", metavar="ISO8601", help=f"Only rows from this time on, e.g. {EXAMPLE}.")
@click.option("--action", metavar="ACTION", help="Only this action, e.g. login.failed, alert.ack.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="At most this many, newest first.",
)
@format_option("json: one array of {id, ts, actor, db_user, action, subject, detail, hash}.")
@pass_app
@needs("audit")
def list_rows(
    app: AppContext,
    user: str | None,
    since: str | None,
    action: str | None,
    limit: int,
    fmt: str,
) -> None:
    """List the audit log, newest first."""
    from surveillance.store.audit import AUDIT_ACTIONS

    if action is not None and action not in AUDIT_ACTIONS:
        raise InputError(f"no audit action {action!r}", hint=f"actions: {', '.join(AUDIT_ACTIONS)}")
    start = parse_time(since, "--since")
    with app.open_store() as store:
        found = store.audit_rows(user=user, since=start, action=action, limit=limit)
    rows = [_record(r) for r in found.to_dict("records")]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    _print_table(rows, limit)


def _print_table(rows: list[dict[str, Any]], limit: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("id", "time (UTC)", "actor", "action", "subject", "detail", box=None)
    table.columns[0].justify = "right"
    table.columns[5].overflow = "fold"
    for row in rows:
        detail = "" if row["detail"] is None else json.dumps(row["detail"], default=str)
        table.add_row(
            str(row["id"]),
            people_utc(row["ts"], seconds=True),
            escape(str(row["actor"])),
            escape(str(row["action"])),
            escape(str(row["subject"] or "")),
            escape(detail),
        )
    out.print(table)
    more = " (the limit: --limit shows more)" if len(rows) == limit else ""
    console.print(f"{len(rows)} row{'' if len(rows) == 1 else 's'}{more}")


@audit.command("verify")
@click.option(
    "--head",
    "noted_head",
    metavar="HASH",
    help="A head hash printed by an earlier verify: check that the log grew from it.",
)
@pass_app
@needs("audit")
def verify(app: AppContext, noted_head: str | None) -> None:
    """Check the hash chain: every row's hash, and its link to the row before. Exits 1
    naming the first row that was changed, or follows a removed one; with --head, also when
    the log no longer holds the head noted earlier (the whole chain was rewritten)."""
    with app.open_store() as store:
        check = store.verify_audit()
        noted_row = None if noted_head is None else store.audit_row_of_hash(noted_head.strip())
    if not check.ok:
        _broken(f"audit log broken at row {check.bad_id}: {check.reason} ({check.rows} rows read)")
    if noted_head is not None and noted_row is None:
        _broken("audit log rewritten: the head noted earlier is no longer in it")
    out.print(f"audit log intact: {check.rows} rows checked", highlight=False)
    if noted_row is not None:
        out.print(f"it grew from the head noted (row {noted_row})", highlight=False)
    out.print(f"head hash: {check.head or 'none (empty log)'}", highlight=False)
    console.print("note the head hash: `audit verify --head HASH` later shows the log grew from it")


def _broken(message: str) -> NoReturn:
    """Say what is wrong with the log, and exit 1."""
    console.print(message, style="bold red", markup=False, highlight=False)
    raise SystemExit(1)
