"""``coastwatch alerts``: list alerts, read them, act on them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from surveillance.access import action_ability
from surveillance.alert_types import alert_types
from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app
from surveillance.errors import InputError
from surveillance.times import iso_utc, parse_window, people_utc
from surveillance.vocabulary import ALERT_STATUSES

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["alerts"]


@click.group()
def alerts() -> None:
    """List alerts, read their evidence, and act on them.

    An alert goes new -> acknowledged -> escalated -> closed, or is dismissed with a
    reason; every action is kept, with who and when, in the alert's history. ID is an
    alert's id or a unique prefix of it (6 characters or more). Reading needs a role that
    sees alerts; a monitor may acknowledge and note, an intelligence officer take every
    action.
    """


# -- reading -----------------------------------------------------------------------------


def _record(alert: Mapping[str, Any]) -> dict[str, Any]:
    """An alert as ``alerts list --format json`` prints it (the shape DESIGN.md fixes)."""
    import shapely

    geom = alert["geom"]
    point = None if geom is None or geom.is_empty else shapely.point_on_surface(geom)
    return {
        "id": alert["id"],
        "type": alert["type"],
        "status": alert["status"],
        "score": int(alert["score"]),
        "start": iso_utc(alert["start"]),
        "end": iso_utc(alert["end"]),
        "lat": None if point is None else round(point.y, 6),
        "lon": None if point is None else round(point.x, 6),
        "mmsi": [int(m) for m in alert["mmsi"]],
        "score_reasons": alert["score_reasons"],
        "rule_version": alert["rule_version"],
    }


def _geojson(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The alerts as ``alerts list --format geojson`` prints them: the JSON records but
    for ``lat`` and ``lon``, which the geometry says better."""
    from surveillance.report.geojson import collection, feature

    return collection(
        feature(
            alert["id"],
            alert["geom"],
            {k: v for k, v in _record(alert).items() if k not in ("lat", "lon")},
        )
        for alert in found
    )


def _hours(start: Any, end: Any) -> str:
    import pandas as pd

    if end is None or pd.isna(end):
        return "open"
    return f"{(pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 3600:.1f}"


_SHOWN_ID = 12


def _print_table(found: list[dict[str, Any]], limit: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not found:
        console.print("no alerts match")
        return
    table = Table(box=None)
    table.add_column("id", no_wrap=True)  # a unique prefix: every command takes one
    table.add_column("type", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("start (UTC)", no_wrap=True)
    table.add_column("hours", justify="right", no_wrap=True)
    table.add_column("vessels", min_width=9)
    table.add_column("lat, lon", overflow="fold")
    for alert in found:
        record = _record(alert)
        where = "" if record["lat"] is None else f"{record['lat']:.3f}, {record['lon']:.3f}"
        table.add_row(
            escape(record["id"][:_SHOWN_ID]),
            record["type"],
            record["status"],
            str(record["score"]),
            people_utc(alert["start"]),
            _hours(alert["start"], alert["end"]),
            " ".join(str(m) for m in record["mmsi"]),
            where,
        )
    out.print(table)
    if len(found) == limit:
        console.print(f"the first {limit} by score; more may match (--limit)")


@alerts.command("list")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(alert_types()),
    help="Only this rule (repeatable).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(ALERT_STATUSES),
    help="Only this status (repeatable).",
)
@click.option(
    "--since", metavar="ISO8601", help="Alerts starting at or after this time (UTC by default)."
)
@click.option(
    "--until", metavar="ISO8601", help="Alerts starting before this time (UTC by default)."
)
@click.option("--min-score", type=click.IntRange(0, 100), help="Only alerts scoring this or more.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="At most this many, highest score first.",
)
@format_option(
    "json: one array of {id, type, status, score, start, end, lat, lon, mmsi, ...}.",
    choices=("table", "json", "geojson"),
)
@pass_app
@needs("alerts.read")
def list_alerts(
    app: AppContext,
    types: tuple[str, ...],
    statuses: tuple[str, ...],
    since: str | None,
    until: str | None,
    min_score: int | None,
    limit: int,
    fmt: str,
) -> None:
    """List alerts, highest score first."""
    window = parse_window(since, until)
    with app.user_store("alerts.read") as store:
        frame = store.alerts(
            window=window, types=types, statuses=statuses, min_score=min_score, limit=limit
        )
    found = frame.to_dict("records")
    if fmt == "json":
        click.echo(json.dumps([_record(a) for a in found], indent=2))
    elif fmt == "geojson":
        click.echo(json.dumps(_geojson(found), indent=2))
    else:
        _print_table(found, limit)


def _find(store: Store, alert_id: str) -> dict[str, Any]:
    found = store.alert(alert_id)
    if found is None:
        raise InputError(
            f"no alert {alert_id!r}",
            hint="`coastwatch alerts list` shows the ids; give one, or its first 6+ characters",
        )
    return found


def _summary(value: Any) -> str:
    """One line for an evidence item: a count for lists and objects, else the value."""
    if isinstance(value, list):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_summary(v)}" for k, v in value.items()) or "-"
    return str(value)


def _lead_ids(value: Any) -> str:
    """The web leads behind an alert, by id (``coastwatch leads list`` shows them)."""
    if not isinstance(value, list):
        return _summary(value)
    return ", ".join(f"#{i}" for i in value) or "-"


def _reason(item: Any) -> str:
    """One score reason: ``+10 night`` for ``{"reason": "night", "points": 10}``."""
    if not isinstance(item, dict):
        return str(item)
    points = item.get("points")
    parts = [f"{points:+}" if isinstance(points, int | float) else "", str(item.get("reason", ""))]
    rest = {k: v for k, v in item.items() if k not in ("points", "reason")}
    if rest:
        parts.append(f"({_summary(rest)})")
    return " ".join(p for p in parts if p)


def _print_alert(alert: dict[str, Any], vessel_names: dict[int, str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    record = _record(alert)
    fields = Table(box=None, show_header=False)
    fields.add_column(style="bold")
    fields.add_column(overflow="fold")
    vessels = [f"{m} {vessel_names.get(m, '')}".strip() for m in record["mmsi"]]
    where = "-" if record["lat"] is None else f"{record['lat']:.5f}, {record['lon']:.5f}"
    for name, value in (
        ("id", record["id"]),
        ("type", record["type"]),
        ("status", record["status"]),
        ("score", str(record["score"])),
        ("start (UTC)", people_utc(alert["start"], seconds=True)),
        ("end (UTC)", people_utc(alert["end"], seconds=True)),
        ("vessels", ", ".join(vessels) or "-"),
        ("where (lat, lon)", where),
        ("geometry", alert["geom"].geom_type),
        ("rule version", record["rule_version"]),
        ("created", people_utc(alert["created_at"], seconds=True)),
        ("updated", people_utc(alert["updated_at"], seconds=True)),
    ):
        fields.add_row(name, escape(value))
    if alert.get("withdrawn_at") is not None:
        when = people_utc(alert["withdrawn_at"], seconds=True)
        fields.add_row("withdrawn", f"{when}: later data no longer shows it (see history)")
    out.print(fields)
    out.print("\n[bold]evidence[/]")
    for key, value in alert["evidence"].items() or [("-", "none")]:
        said = _lead_ids(value) if key == "leads" else _summary(value)
        out.print(f"  {escape(str(key))}: {escape(said)}")
    out.print("\n[bold]score reasons[/]")
    for item in alert["score_reasons"] or ["none given"]:
        out.print(f"  {escape(_reason(item))}")


def _print_history(events: Any) -> None:
    import pandas as pd
    from rich.markup import escape
    from rich.table import Table

    out.print("\n[bold]history[/]")
    if events.empty:
        out.print("  no actions and no revisions yet")
        return
    table = Table("when (UTC)", "by", "action", "status", "note", box=None)
    table.columns[-1].overflow = "fold"
    for event in events.to_dict("records"):
        moved = event["from_status"] != event["to_status"]
        status = f"{event['from_status']} -> {event['to_status']}" if moved else ""
        table.add_row(
            people_utc(event["ts"], seconds=True),
            escape(event["actor"]),
            event["action"],
            status,
            "" if pd.isna(event["note"]) else escape(event["note"]),
        )
    out.print(table)


@alerts.command()
@click.argument("alert_id", metavar="ID")
@pass_app
@needs("alerts.read")
def show(app: AppContext, alert_id: str) -> None:
    """Everything about one alert: its fields, evidence, score reasons and history."""
    with app.user_store("alerts.read") as store:
        alert = _find(store, alert_id)
        events = store.alert_events(alert["id"])
        named = [int(m) for m in alert["mmsi"]]  # none for a dark vessel
        vessels = store.vessels(named) if named else None
    names = (
        {}
        if vessels is None
        else {int(m): str(n) for m, n in zip(vessels["mmsi"], vessels["name"], strict=True) if n}
    )
    _print_alert(alert, names)
    _print_history(events)


# -- acting ------------------------------------------------------------------------------


def _act(app: AppContext, alert_id: str, action: str, note: str | None) -> None:
    from rich.markup import escape

    actor = app.actor
    with app.user_store(action_ability(action)) as store:
        alert_id = _find(store, alert_id)["id"]
        status = store.act_on_alert(alert_id, action, actor, note)
    done = "noted" if action == "note" else f"now {status}"
    console.print(f"alert {escape(alert_id)}: {done} (by {escape(actor)})")


def _transition(action: str, help_text: str) -> click.Command:
    @click.command(action, help=help_text)
    @click.argument("alert_id", metavar="ID")
    @click.option("--note", help="Why, for the alert's history.")
    @pass_app
    @needs(action_ability(action))
    def command(app: AppContext, alert_id: str, note: str | None) -> None:
        _act(app, alert_id, action, note)

    return command


for _action, _help in (
    ("ack", "Acknowledge a new alert: someone is on it."),
    ("escalate", "Escalate an acknowledged alert to the people who act on it."),
    ("close", "Close an open alert: dealt with."),
):
    alerts.add_command(_transition(_action, _help))


@alerts.command()
@click.argument("alert_id", metavar="ID")
@click.option("--reason", required=True, help="Why it is not worth pursuing (required).")
@pass_app
@needs(action_ability("dismiss"))
def dismiss(app: AppContext, alert_id: str, reason: str) -> None:
    """Dismiss an open alert, with a reason: a false alarm, or nothing to act on."""
    _act(app, alert_id, "dismiss", reason)


@alerts.command("note")
@click.argument("alert_id", metavar="ID")
@click.argument("text")
@pass_app
@needs(action_ability("note"))
def add_note(app: AppContext, alert_id: str, text: str) -> None:
    """Add a note to an alert's history without changing its status."""
    _act(app, alert_id, "note", text)
