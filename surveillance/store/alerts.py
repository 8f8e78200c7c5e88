"""The alert family: ``alerts`` (what the rules found, merged on their deterministic ids)
and ``alert_events`` (the audit trail of every analyst action on them, and of what late
data made the rules revise: ``revised``, ``withdrawn``, ``reinstated``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, text

from surveillance.alert_types import check_alert_types
from surveillance.errors import AlertChanged, InputError
from surveillance.lifecycle import next_status
from surveillance.store.audit import record
from surveillance.store.geoframes import merge_geometries, read_geoframe
from surveillance.store.inputs import actor_name, text_or_none
from surveillance.store.window import BBox, Window, overlapping, window_params
from surveillance.times import iso_utc
from surveillance.vocabulary import RULES_ACTOR

__all__ = ["AlertTables"]

_MIN_ID_PREFIX_CHARS = 6
#: A re-run of the rules updates a stored alert when one of these changed (not its status);
#: the update also takes the new geometry, vessels and time.
_RULE_COLUMNS = ("score", "start", "end", "evidence", "score_reasons", "rule_version")
_UPDATED_COLUMNS = (*_RULE_COLUMNS, "geom", "mmsi", "updated_at", "seen_until")
_RULE_EVENT_SQL = text(
    "INSERT INTO alert_events (alert_id, ts, actor, action, from_status, to_status, note) "
    "SELECT a.id, now(), :by, :action, a.status, a.status, :note FROM alerts a WHERE a.id = :id"
)


def _when(value: Any) -> str:
    return "open" if value is None or pd.isna(value) else str(iso_utc(value))


def _revision(old: Any, new: Any, live_slack_s: float) -> str | None:
    """What late data changed in a stored alert, for its history; None when nothing did or
    when the change is the event going on (the old end at the edge of what was seen)."""
    changes = [
        f"{name} {show(old[name])} -> {show(new[name])}"
        for name, show in (("start", _when), ("end", _when), ("score", str))
        if not (pd.isna(old[name]) and pd.isna(new[name])) and old[name] != new[name]
    ]
    if not changes or pd.isna(old["end"]) or pd.isna(old["seen_until"]):
        return None
    live = pd.Timestamp(old["end"]) >= old["seen_until"] - pd.Timedelta(seconds=live_slack_s)
    grows = pd.isna(new["end"]) or pd.Timestamp(new["end"]) >= pd.Timestamp(old["end"])
    return None if live and grows and old["start"] == new["start"] else "; ".join(changes)


def _changed(conn: Connection, alert_id: str, action: str, seen: str, current: str) -> AlertChanged:
    """What to tell a user whose action met an alert someone else had changed: the last
    status change in its history (who, to what, when)."""
    last = (
        conn.execute(
            text(
                "SELECT actor, to_status, ts FROM alert_events WHERE alert_id = :id "
                "AND to_status IS DISTINCT FROM from_status ORDER BY ts DESC, id DESC LIMIT 1"
            ),
            {"id": alert_id},
        )
        .mappings()
        .first()
    )
    what = (
        f"{last['to_status']} by {last['actor']} at {iso_utc(last['ts'])}"
        if last is not None and last["to_status"] == current
        else f"it is now {current}"
    )
    return AlertChanged(
        f"the alert changed since you opened it: {what}; look again",
        hint=f"it was {seen} when you saw it; your {action} was not recorded",
    )


class AlertTables:
    """Writing, reading and acting on alerts."""

    engine: Engine

    def alerts(
        self,
        window: Window | None = None,
        bbox: BBox | None = None,
        types: Sequence[str] = (),
        statuses: Sequence[str] = (),
        min_score: int | None = None,
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        """Alerts starting in the window, highest score first (the first ``limit``)."""
        clauses = []
        if types:
            clauses.append("type = ANY(:types)")
        if statuses:
            clauses.append("status = ANY(:statuses)")
        if min_score is not None:
            clauses.append("score >= :min_score")
        return read_geoframe(
            self.engine,
            "alerts",
            time_column="start",
            window=window,
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"types": list(types), "statuses": list(statuses), "min_score": min_score},
            order="score DESC, start, id",
            limit=limit,
        )

    def alerts_overlapping(self, window: Window, types: Sequence[str] = ()) -> gpd.GeoDataFrame:
        """Alerts going on at some time in the window, open ones included; without their
        evidence (only its ``key`` and the ids of its web ``leads``, a list): what the engine
        and the evaluation need."""
        where = overlapping()
        if types:
            where += " AND type = ANY(:types)"
        return read_geoframe(
            self.engine,
            "alerts",
            where=where,
            params={**window_params(window), "types": list(types)},
            columns='id, type, status, score, "start", "end", mmsi, geom, withdrawn_at, '
            "evidence->>'key' AS key, "
            "coalesce(evidence->'leads', '[]'::jsonb) AS leads",
            order="start, id",
        )

    def write_alerts(self, frame: gpd.GeoDataFrame, live_slack_s: float = 0.0) -> int:
        """Insert new alerts and update changed ones (their status is left alone); each type
        must be that of a registered rule.

        A stored alert that late data changed (it had ended more than ``live_slack_s``
        before the data its last run saw) gets a ``revised`` event in its history with the
        old and new values; a withdrawn one found again, ``reinstated``."""
        check_alert_types(frame["type"])
        changed = " OR ".join(
            f'alerts."{c}" IS DISTINCT FROM EXCLUDED."{c}"' for c in _RULE_COLUMNS
        )
        with self.engine.begin() as conn:
            old = pd.read_sql(
                text(
                    'SELECT id, "start", "end", score, seen_until, withdrawn_at FROM alerts '
                    "WHERE id = ANY(:ids)"
                ),
                conn,
                params={"ids": frame["id"].tolist()},
            ).set_index("id")
            written = merge_geometries(
                conn, "alerts", frame, ["id"], _UPDATED_COLUMNS, when=changed
            )
            events = []
            for new in frame[frame["id"].isin(old.index)].to_dict("records"):
                before = old.loc[new["id"]]
                note = _revision(before, new, live_slack_s)
                if note:
                    events.append({"id": new["id"], "action": "revised", "note": note})
                if not pd.isna(before["withdrawn_at"]):
                    events.append({"id": new["id"], "action": "reinstated", "note": "found again"})
            self._rule_events(conn, events)
            return written

    def withdraw_alerts(self, ids: Sequence[str], note: str) -> int:
        """Mark alerts the rules no longer find (late data broke them): kept, with their
        status, and a ``withdrawn`` event in their history; returns how many."""
        with self.engine.begin() as conn:
            found = conn.execute(
                text(
                    "UPDATE alerts SET withdrawn_at = now() WHERE id = ANY(:ids) "
                    "AND withdrawn_at IS NULL RETURNING id"
                ),
                {"ids": list(ids)},
            ).scalars()
            events = [{"id": i, "action": "withdrawn", "note": note} for i in found]
            self._rule_events(conn, events)
        return len(events)

    @staticmethod
    def _rule_events(conn: Connection, events: list[dict[str, str]]) -> None:
        reinstated = [e["id"] for e in events if e["action"] == "reinstated"]
        if reinstated:
            conn.execute(
                text("UPDATE alerts SET withdrawn_at = NULL WHERE id = ANY(:ids)"),
                {"ids": reinstated},
            )
        if events:
            conn.execute(_RULE_EVENT_SQL, [{**e, "by": RULES_ACTOR} for e in events])

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        """One alert by its id or a unique prefix of it (at least 6 characters): every
        column, ``geom`` as shapely and ``lon, lat`` of a point on it; None if none matches.
        An ambiguous prefix is an InputError."""
        sql = (
            "SELECT a.*, ST_AsBinary(a.geom) AS geom_wkb, ST_X(ST_PointOnSurface(a.geom)) AS lon,"
            " ST_Y(ST_PointOnSurface(a.geom)) AS lat FROM alerts a WHERE "
        )
        with self.engine.connect() as conn:
            rows = conn.execute(text(sql + "id = :id"), {"id": alert_id}).mappings().all()
            if not rows and len(alert_id) >= _MIN_ID_PREFIX_CHARS:
                by_prefix = text(sql + "starts_with(a.id, :id) ORDER BY a.id LIMIT 4")
                rows = conn.execute(by_prefix, {"id": alert_id}).mappings().all()
        if len(rows) > 1:
            shown = ", ".join(r["id"] for r in rows[:3]) + (" and more" if len(rows) > 3 else "")
            raise InputError(
                f"alert id prefix {alert_id!r} is ambiguous",
                hint=f"it matches {shown}; give more characters",
            )
        if not rows:
            return None
        found = dict(rows[0])
        found["geom"] = shapely.from_wkb(bytes(found.pop("geom_wkb")))
        return found

    def alert_events(self, alert_id: str) -> pd.DataFrame:
        """What analysts did to an alert (who, when, from and to which status, the note),
        oldest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT ts, actor, action, from_status, to_status, note FROM alert_events "
                    "WHERE alert_id = :id ORDER BY ts, id"
                ),
                conn,
                params={"id": alert_id},
            )

    def act_on_alert(
        self,
        alert_id: str,
        action: str,
        actor: str,
        note: str | None = None,
        *,
        seen: str | None = None,
    ) -> str:
        """Apply an analyst's action (see :mod:`surveillance.lifecycle`) and record it in
        ``alert_events``, in one transaction; returns the alert's new status.

        ``seen`` is the status the user saw when deciding (None: no check). If the alert
        is no longer in it, someone else acted first: AlertChanged says who and when, and
        nothing is written. A note changes no status, so it never conflicts."""
        by = actor_name(actor)
        note = text_or_none(note)
        with self.engine.begin() as conn:
            current = conn.execute(
                text("SELECT status FROM alerts WHERE id = :id FOR UPDATE"), {"id": alert_id}
            ).scalar_one_or_none()
            if current is None:
                raise InputError(f"no alert {alert_id!r}")
            if seen is not None and action != "note" and current != seen:
                raise _changed(conn, alert_id, action, seen, current)
            status = next_status(current, action, note)
            if status != current:
                conn.execute(
                    text("UPDATE alerts SET status = :s, updated_at = now() WHERE id = :id"),
                    {"s": status, "id": alert_id},
                )
            conn.execute(
                text(
                    "INSERT INTO alert_events (alert_id, ts, actor, action, from_status, "
                    "to_status, note) VALUES (:id, now(), :by, :action, :old, :new, :note)"
                ),
                {
                    "id": alert_id,
                    "by": by,
                    "action": action,
                    "old": current,
                    "new": status,
                    "note": note,
                },
            )
            detail = {"from": current, "to": status, "note": note}
            record(conn, by, f"alert.{action}", alert_id, detail)
        return status

    def lead_alerts(self, lead_id: int) -> pd.DataFrame:
        """The alerts whose evidence lists the lead (``evidence.leads``, ids), highest
        score first, without their evidence: ``id, type, status, score, start, end, mmsi``."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    'SELECT id, type, status, score, "start", "end", mmsi FROM alerts '
                    "WHERE jsonb_typeof(evidence->'leads') = 'array' "
                    "AND evidence->'leads' @> CAST(:ids AS jsonb) "
                    'ORDER BY score DESC, "start", id'
                ),
                conn,
                params={"ids": json.dumps([int(lead_id)])},
            )

    def vessel_alerts(self, mmsi: int, window: Window | None = None) -> pd.DataFrame:
        """Every alert involving the vessel (going on during the window, when one is
        given), newest first, without its evidence."""
        where = "mmsi @> ARRAY[CAST(:m AS bigint)]"
        bind: dict[str, Any] = {"m": int(mmsi)}
        if window is not None:
            where += f" AND {overlapping()}"
            bind.update(window_params(window))
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    'SELECT id, type, status, score, "start", "end", mmsi, score_reasons, '
                    "ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat "
                    f'FROM alerts WHERE {where} ORDER BY "start" DESC, id'
                ),
                conn,
                params=bind,
            )
