"""``coastwatch leads list``: the crawled leads, for intelligence officers and their tools.

Read through the acting user's role, so the database's row-level security decides what
is seen (leads are the ``intel`` role's only). The JSON is the contract of DESIGN.md:
an array of ``{id, url, source, fetched, posted, lon, lat, score, entities, mmsi}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping
from typing import Any

import click

from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.times import iso_utc, parse_window, people_utc

__all__ = ["leads"]

_ENTITY_KEYS = ("kind", "value", "text", "start", "end", "confidence")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")  # terminal escapes and line breaks
_SHOWN_URL = 60


@click.group()
def leads() -> None:
    """What web pages say about vessels, places and times (intelligence officers only)."""


def _number(value: Any, digits: int) -> float | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else round(float(value), digits)


def _entity(found: Any) -> dict[str, Any] | None:
    """An entity as the contract prints it; a stored one without its fields is skipped."""
    if not isinstance(found, dict) or not all(k in found for k in _ENTITY_KEYS[:5]):
        return None
    return {k: found[k] for k in _ENTITY_KEYS if k in found}


def _record(lead: Mapping[Hashable, Any]) -> dict[str, Any]:
    """A lead as ``leads list --format json`` prints it (the shape DESIGN.md fixes)."""
    entities = lead["entities"] if isinstance(lead["entities"], list) else []
    return {
        "id": int(lead["id"]),
        "url": lead["url"],
        "source": lead["source"],
        "fetched": iso_utc(lead["fetched"]),
        "posted": iso_utc(lead["posted"]),
        "lon": _number(lead["lon"], 6),
        "lat": _number(lead["lat"], 6),
        "score": int(lead["score"]),
        "entities": [e for e in map(_entity, entities) if e is not None],
        "mmsi": [int(m) for m in lead["mmsi"]],
    }


def _cell(value: Any, width: int | None = None) -> str:
    """Web text as a table cell: control characters out, markup escaped, cut to ``width``."""
    from rich.markup import escape

    text = _CONTROL.sub(" ", "" if value is None else str(value))
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return escape(text)


def _kinds(entities: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for e in entities:
        counts[str(e["kind"])] = counts.get(str(e["kind"]), 0) + 1
    return " ".join(f"{k} {n}" if n > 1 else k for k, n in sorted(counts.items()))


def _print_table(records: list[dict[str, Any]], limit: int) -> None:
    from rich.table import Table

    if not records:
        console.print("no leads match")
        return
    table = Table(box=None)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("posted (UTC)", no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("vessels", min_width=9)
    table.add_column("entities", overflow="fold")
    table.add_column("url", overflow="fold")
    for r in records:
        table.add_row(
            str(r["id"]),
            people_utc(r["posted"] or r["fetched"]),
            _cell(r["source"], 24),
            str(r["score"]),
            " ".join(str(m) for m in r["mmsi"]),
            _cell(_kinds(r["entities"])),
            _cell(r["url"], _SHOWN_URL),
        )
    out.print(table)
    if len(records) == limit:
        console.print(f"the newest {limit}; more may match (--limit)")


@leads.command("list")
@click.option("--since", metavar="ISO8601", help="Posted (or first fetched) at or after (UTC).")
@click.option("--until", metavar="ISO8601", help="Posted (or first fetched) before (UTC).")
@click.option("--source", metavar="NAME", help="Only leads of this source (its name in the TOML).")
@click.option("--mmsi", type=click.IntRange(0, 999_999_999), help="Only leads naming this vessel.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="At most this many, newest first.",
)
@format_option(
    "json: one array of {id, url, source, fetched, posted, lon, lat, score, entities, mmsi}."
)
@pass_app
@needs("leads")
def leads_list(
    app: AppContext,
    since: str | None,
    until: str | None,
    source: str | None,
    mmsi: int | None,
    limit: int,
    fmt: str,
) -> None:
    """List leads, newest first (by the time the page gives, else the first fetch)."""
    window = parse_window(since, until)
    start, end = window if window is not None else (None, None)
    with app.user_store("leads") as store:
        found = store.leads(since=start, until=end, source=source, mmsi=mmsi, limit=limit)
    records = [_record(lead) for lead in found.to_dict("records")]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        _print_table(records, limit)
