"""The alert queue and one alert's page: tracks, distances, evidence, related alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboard.data.common import alert_link, vessel_labels
from dashboard.data.leads import evidence_lead_ids
from dashboard.data.scenes import DetectionEvidence, detection_evidence
from surveillance.geodesy import haversine_m
from surveillance.lifecycle import OPEN_STATUSES
from surveillance.store import BBox, Store, Window
from surveillance.times import people_utc
from surveillance.vocabulary import RULES_ACTOR

__all__ = ["AlertDetail", "AlertFilters", "alert_detail", "alerts_table", "revision_notice"]

_RELATED_HOURS = 6


@dataclass(frozen=True)
class AlertFilters:
    """The alert queue's filters; empty ``types``/``statuses`` mean all."""

    window: Window | None = None
    bbox: BBox | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = OPEN_STATUSES
    min_score: int = 0
    limit: int | None = 1000


def alerts_table(store: Store, filters: AlertFilters) -> pd.DataFrame:
    """The alert queue, highest score first: ``link, score, type, status, start, end,
    hours, vessels, why, id, lon, lat``."""
    found = store.alerts(
        window=filters.window,
        bbox=filters.bbox,
        types=filters.types,
        statuses=filters.statuses,
        min_score=filters.min_score or None,
        limit=filters.limit,
    )
    columns = [
        "link",
        "score",
        "type",
        "status",
        "start",
        "end",
        "hours",
        "vessels",
        "why",
        "id",
        "lon",
        "lat",
    ]
    if found.empty:
        return pd.DataFrame(columns=columns)
    points = found.geometry.representative_point()
    wanted = sorted({int(m) for ms in found["mmsi"] for m in (ms or [])})
    identities = store.vessels(wanted) if wanted else pd.DataFrame(columns=["mmsi", "name"])
    table = pd.DataFrame(
        {
            "link": [alert_link(i) for i in found["id"]],
            "score": found["score"].astype(int),
            "type": found["type"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "hours": ((found["end"] - found["start"]).dt.total_seconds() / 3600).round(1),
            "vessels": vessel_labels(identities, found["mmsi"]),
            "why": [
                "; ".join(str(r.get("reason", "")) for r in (reasons or []))
                for reasons in found["score_reasons"]
            ],
            "id": found["id"],
            "lon": points.x,
            "lat": points.y,
        }
    )
    return table[columns].reset_index(drop=True)


@dataclass
class AlertDetail:
    """One alert with what its page shows."""

    alert: dict[str, Any]
    tracks: pd.DataFrame  # mmsi, t (UTC), t_s, lon, lat, sog_knots; from evidence or store
    tracks_from: str  # "evidence" or "store"
    distance: pd.DataFrame  # t, distance_m (pairs only)
    evidence: pd.DataFrame  # key, value: the scalar evidence
    evidence_lists: dict[str, pd.DataFrame]  # other tabular evidence, by key
    reasons: pd.DataFrame  # points, reason
    related: pd.DataFrame  # like alerts_table rows
    events: pd.DataFrame  # ts, actor, action, from_status, to_status, note
    vessels: pd.DataFrame  # identities of the vessels involved
    detection: DetectionEvidence | None = None  # the SAR detection behind a dark alert
    lead_ids: list[int] = field(default_factory=list)  # the web leads it cites (intel reads)


def _evidence_tracks(evidence: dict[str, Any]) -> pd.DataFrame:
    rows = [
        (int(m), *point[:4])
        for m, points in (evidence.get("tracks") or {}).items()
        for point in points
        if len(point) >= 4
    ]
    frame = pd.DataFrame(rows, columns=["mmsi", "t_s", "lon", "lat", "sog_knots"])
    return frame.astype(
        {"mmsi": np.int64, "t_s": float, "lon": float, "lat": float, "sog_knots": float}
    )


def _store_tracks(store: Store, alert: dict[str, Any]) -> pd.DataFrame:
    start: datetime = alert["start"]
    end: datetime = alert["end"] or start
    found = store.positions(
        window=(start - timedelta(hours=1), end + timedelta(hours=1)), mmsi=alert["mmsi"]
    )
    return pd.DataFrame(
        {
            "mmsi": found["mmsi"].astype(np.int64),
            "t_s": found["ts"].map(lambda t: t.timestamp()).astype(float),
            "lon": found.geometry.x,
            "lat": found.geometry.y,
            "sog_knots": found["sog_knots"].astype(float),
        }
    )


def _pair_distance(tracks: pd.DataFrame, pair: Sequence[int]) -> pd.DataFrame:
    """Distance between two vessels at the times both were placed (their common times)."""
    a = tracks[tracks["mmsi"] == pair[0]].set_index("t_s")
    b = tracks[tracks["mmsi"] == pair[1]].set_index("t_s")
    both = a.merge(b, left_index=True, right_index=True, suffixes=("_a", "_b"))
    metres = haversine_m(*(both[c].to_numpy() for c in ("lon_a", "lat_a", "lon_b", "lat_b")))
    return pd.DataFrame(
        {"t": pd.to_datetime(both.index, unit="s", utc=True), "distance_m": metres.round(0)}
    )


def _split_evidence(evidence: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    scalars, lists = [], {}
    for key, value in evidence.items():
        if key in ("tracks", "distance_m", "leads"):  # drawn, charted, listed on their own
            continue
        if isinstance(value, list) and value and isinstance(value[0], list | dict):
            lists[key] = pd.DataFrame(value)
        elif isinstance(value, dict):
            lists[key] = pd.DataFrame(
                {"key": list(value), "value": [str(v) for v in value.values()]}
            )
        else:
            scalars.append((key, "" if value is None else str(value)))
    return pd.DataFrame(scalars, columns=["key", "value"]), lists


def revision_notice(alert: dict[str, Any], events: pd.DataFrame) -> str | None:
    """What late data did to the alert, in a sentence for its page; None if nothing."""
    by_rules = events[events["actor"] == RULES_ACTOR] if len(events) else events
    revised = by_rules[by_rules["action"] == "revised"] if len(by_rules) else by_rules
    parts = []
    if alert.get("withdrawn_at") is not None:
        parts.append(
            f"Withdrawn {people_utc(alert['withdrawn_at'])} UTC: the rules no longer find it "
            "in later data. It is kept, with its status."
        )
    if len(revised):
        last = revised.iloc[-1]
        parts.append(
            f"Revised by late data {len(revised)} time(s); last {people_utc(last['ts'])} UTC: "
            f"{last['note']}."
        )
    return " ".join(parts) or None


def alert_detail(store: Store, alert_id: str) -> AlertDetail | None:
    """An alert (id or unique prefix) with its tracks, distances, evidence, reasons,
    related alerts and history; None when there is no such alert."""
    alert = store.alert(alert_id)
    if alert is None:
        return None
    evidence: dict[str, Any] = alert.get("evidence") or {}
    tracks, tracks_from = _evidence_tracks(evidence), "evidence"
    if tracks.empty and alert["mmsi"]:  # a dark vessel's alert may name no vessel at all
        tracks, tracks_from = _store_tracks(store, alert), "store"
    tracks = tracks.sort_values(["mmsi", "t_s"], kind="stable").reset_index(drop=True)
    tracks.insert(1, "t", pd.to_datetime(tracks["t_s"], unit="s", utc=True))
    mmsi = [int(m) for m in alert["mmsi"]]
    if evidence.get("distance_m"):
        distance = pd.DataFrame(evidence["distance_m"], columns=["t_s", "distance_m"])
        distance = pd.DataFrame(
            {
                "t": pd.to_datetime(distance["t_s"], unit="s", utc=True),
                "distance_m": distance["distance_m"],
            }
        )
    elif len(mmsi) == 2:
        distance = _pair_distance(tracks, mmsi)
    else:
        distance = pd.DataFrame(columns=["t", "distance_m"])
    scalars, lists = _split_evidence(evidence)
    reasons = pd.DataFrame(alert.get("score_reasons") or [], columns=["points", "reason"])
    return AlertDetail(
        detection=_detection(store, evidence),
        lead_ids=evidence_lead_ids(evidence),
        alert=alert,
        tracks=tracks,
        tracks_from=tracks_from,
        distance=distance,
        evidence=scalars,
        evidence_lists=lists,
        reasons=reasons,
        related=_related(store, alert),
        events=store.alert_events(alert["id"]),
        vessels=store.vessels(mmsi) if mmsi else pd.DataFrame(),
    )


def _detection(store: Store, evidence: dict[str, Any]) -> DetectionEvidence | None:
    """The detection an alert's evidence names (``detection_id`` and ``scene_id``, as the
    dark-vessel rules write them), with its chip; None when it names none."""
    detection_id, scene_id = evidence.get("detection_id"), evidence.get("scene_id")
    if detection_id is None or scene_id is None:
        return None
    return detection_evidence(store, int(detection_id), int(scene_id))


def _related(store: Store, alert: dict[str, Any]) -> pd.DataFrame:
    """Other alerts on the same vessels within six hours of this one."""
    start: datetime = alert["start"]
    end: datetime = alert["end"] or start
    span = timedelta(hours=_RELATED_HOURS)
    found = store.alerts_overlapping((start - span, end + span))
    mine = {int(m) for m in alert["mmsi"]}
    shares = [bool(mine & {int(m) for m in (ms or [])}) for ms in found["mmsi"]]
    found = found[np.asarray(shares, dtype=bool) & (found["id"] != alert["id"]).to_numpy()]
    return pd.DataFrame(
        {
            "link": [alert_link(i) for i in found["id"]],
            "type": found["type"],
            "score": found["score"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "mmsi": [", ".join(str(m) for m in ms) for ms in found["mmsi"]],
        }
    ).reset_index(drop=True)
