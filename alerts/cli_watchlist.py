"""``coastwatch watchlist``: vessels of interest, by MMSI, IMO, call sign or name."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.errors import InputError
from surveillance.times import iso_utc, people_utc
from surveillance.vocabulary import WATCHLIST_KINDS
from surveillance.watchlist import normalise

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["watchlist", "read_entries"]

F = TypeVar("F", bound=Callable[..., Any])

_SELECTOR_HELP = {
    "mmsi": "An MMSI (9 digits).",
    "imo": "An IMO number (7 digits, check digit valid).",
    "callsign": "A call sign.",
    "name": "A vessel name (matched ignoring case and spacing).",
}


@click.group()
def watchlist() -> None:
    """Vessels of interest, by MMSI, IMO, call sign or name, for the rules to look out for.

    Values are stored normalised: call signs and names in upper case, names with single
    spaces, IMO numbers without the "IMO" prefix. Changing it is for intelligence
    officers; every role that reads alerts may list it.
    """


def _selectors(command: F) -> F:
    for kind in reversed(WATCHLIST_KINDS):
        command = click.option(f"--{kind}", metavar="VALUE", help=_SELECTOR_HELP[kind])(command)
    return command


def _selected(
    mmsi: str | None, imo: str | None, callsign: str | None, name: str | None
) -> tuple[str, str]:
    given = [
        (k, v)
        for k, v in zip(WATCHLIST_KINDS, (mmsi, imo, callsign, name), strict=True)
        if v is not None
    ]
    if len(given) != 1:
        raise click.UsageError("give one of --mmsi, --imo, --callsign or --name")
    kind, value = given[0]
    return kind, normalise(kind, value)


@watchlist.command()
@_selectors
@click.option("--note", help="Why the vessel is of interest.")
@pass_app
@needs("watchlist.edit")
def add(
    app: AppContext,
    mmsi: str | None,
    imo: str | None,
    callsign: str | None,
    name: str | None,
    note: str | None,
) -> None:
    """Put a vessel on the watchlist (again: its note is replaced by a new one)."""
    import pandas as pd
    from rich.markup import escape

    kind, value = _selected(mmsi, imo, callsign, name)
    entry = pd.DataFrame({"kind": [kind], "value": [value], "note": [note]})
    with app.user_store("watchlist.edit") as store:
        store.add_watchlist(entry, app.actor)
    console.print(f"{kind} {escape(value)} is on the watchlist")


@watchlist.command()
@_selectors
@pass_app
@needs("watchlist.edit")
def remove(
    app: AppContext,
    mmsi: str | None,
    imo: str | None,
    callsign: str | None,
    name: str | None,
) -> None:
    """Take a vessel off the watchlist."""
    from rich.markup import escape

    kind, value = _selected(mmsi, imo, callsign, name)
    with app.user_store("watchlist.edit") as store:
        removed = store.remove_watchlist(kind, value, app.actor)
    if not removed:
        raise InputError(
            f"{kind} {value} is not on the watchlist",
            hint="`coastwatch watchlist list` shows what is",
        )
    console.print(f"{kind} {escape(value)} is off the watchlist")


@watchlist.command("list")
@format_option("json: one array of {kind, value, note, added_by, added_at}.")
@pass_app
@needs("alerts.read")
def list_entries(app: AppContext, fmt: str) -> None:
    """The watchlist, by kind and value."""
    import pandas as pd
    from rich.markup import escape
    from rich.table import Table

    with app.user_store("alerts.read") as store:
        entries = store.watchlist()
    rows = [
        {**row, "note": None if pd.isna(row["note"]) else row["note"]}
        for row in entries.to_dict("records")
    ]
    if fmt == "json":
        records = [{**row, "added_at": iso_utc(row["added_at"])} for row in rows]
        click.echo(json.dumps(records, indent=2))
        return
    if not rows:
        console.print("the watchlist is empty")
        return
    table = Table("kind", "value", "note", "added by", "added at (UTC)")
    for row in rows:
        table.add_row(
            row["kind"],
            escape(row["value"]),
            escape(row["note"] or ""),
            escape(row["added_by"]),
            people_utc(row["added_at"], seconds=True, missing=""),
        )
    out.print(table)


def read_entries(path: Path) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Watchlist entries from a CSV, and the bad rows as (line number, reason).

    The CSV has a header: either ``kind,value[,note]``, or one or more of the columns
    ``mmsi, imo, callsign, name`` (and ``note``), each filled cell giving an entry.
    """
    import pandas as pd

    entries: list[dict[str, str | None]] = []
    bad: list[tuple[int, str]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            reader.fieldnames = header
            long_form = {"kind", "value"} <= set(header)
            columns = [k for k in WATCHLIST_KINDS if k in header]
            if not long_form and not columns:
                raise InputError(
                    f"{path}: no watchlist columns in the header {','.join(header)!r}",
                    hint="the header is kind,value,note or has a column mmsi, imo, callsign "
                    "or name",
                )
            for row in reader:
                line = reader.line_num
                if row.get(None):
                    bad.append((line, "more fields than the header has"))
                    continue
                cells = (
                    [((row["kind"] or "").strip().lower(), row["value"] or "")]
                    if long_form
                    else [(k, row[k]) for k in columns if (row[k] or "").strip()]
                )
                if not cells:
                    bad.append((line, f"no value in {', '.join(columns)}"))
                for kind, value in cells:
                    try:
                        value = normalise(kind, value)
                    except InputError as exc:
                        bad.append((line, f"{exc} ({exc.hint})" if exc.hint else str(exc)))
                        continue
                    entries.append({"kind": kind, "value": value, "note": row.get("note")})
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable CSV: {exc}") from None
    return pd.DataFrame(entries, columns=["kind", "value", "note"], dtype=object), bad


@watchlist.command("import")
@click.argument(
    "path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@pass_app
@needs("watchlist.edit")
def import_entries(app: AppContext, path: Path) -> None:
    """Add the vessels of a CSV: header kind,value,note, or columns mmsi, imo, callsign, name.

    Bad rows are reported with their line numbers and the good ones imported all the same;
    the exit code is then 2. Importing a file again adds nothing twice.
    """
    from rich.markup import escape

    entries, bad = read_entries(path)
    for line, reason in bad:
        console.print(f"{escape(str(path))}:{line}: {escape(reason)}")
    changed = 0
    if not entries.empty:
        with app.user_store("watchlist.edit") as store:
            changed = store.add_watchlist(entries, app.actor)
    console.print(f"{len(entries)} entries read from {escape(str(path))}, {changed} new or changed")
    if bad:
        raise InputError(
            f"{len(bad)} bad row{'' if len(bad) == 1 else 's'} in {path} not imported",
            hint="fix them and import the file again: the good rows are not added twice",
        )
