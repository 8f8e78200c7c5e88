"""``lead_match``: what a web lead says lands beside the alert it concerns.

A lead that names a vessel of an alert (MMSI, IMO, call sign or name), or a place or
position within ``lead_match_distance_km`` of it and a time within
``lead_match_window_hours`` of it, adds points to that alert with the reason
(:func:`corroborate`, which the engine runs on every run's findings, as it scores them);
the lead's id goes into the alert's ``evidence["leads"]``. A lead that names a watched
vessel (the watchlist, a watched flag or ship type: zone_entry's watch) that no alert
concerns yet opens a ``lead_match`` alert of its own (:func:`detect`). Pure: the leads
come in ``RuleContext.leads`` (alerts/leads.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, Row, RuleContext, reason
from alerts.rules.zone_entry import watched
from alerts.tracks import Tracks
from alerts.watch import normalise_name
from surveillance.geodesy import haversine_m
from surveillance.rule_settings import BaseRuleSettings

__all__ = [
    "NAME",
    "VERSION",
    "COLOUR",
    "Settings",
    "detect",
    "wakes",
    "reads",
    "corroborate",
    "answered",
    "read_window_s",
]

NAME = "lead_match"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#bcbd22"


class Settings(BaseRuleSettings):
    """Thresholds of ``lead_match``."""

    #: a place or position a lead names is near an alert within this distance ...
    lead_match_distance_km: float = Field(default=10.0, gt=0)
    #: ... and a time it names (or its post time, when it names none) within this of it
    lead_match_window_hours: float = Field(default=24.0, gt=0)
    #: a lead naming an alert's vessel counts when posted (or naming a time) this close
    lead_match_vessel_window_days: float = Field(default=14.0, ge=0)
    lead_match_vessel_points: int = Field(default=20, ge=0, le=100)
    lead_match_place_points: int = Field(default=15, ge=0, le=100)
    #: what all the leads of one alert may add together
    lead_match_max_points: int = Field(default=40, ge=0, le=100)
    #: the score of the alert a lead opens on a watched vessel
    lead_match_open_points: int = Field(default=40, ge=0, le=100)


def read_window_s(settings: BaseRuleSettings, since_s: float, now_s: float) -> tuple[float, float]:
    """The span of post times of the leads that may bear on the alerts of a window."""
    cfg = settings.of(Settings)
    reach_s = max(cfg.lead_match_vessel_window_days * 86400, cfg.lead_match_window_hours * 3600)
    return since_s - cfg.detect_context_hours * 3600 - reach_s, now_s + reach_s


class _Vessels:
    """Resolves what a lead names (MMSI, IMO, call sign, name) to MMSIs of known vessels."""

    def __init__(self, vessels: pd.DataFrame) -> None:
        self.imo: dict[str, int] = {}
        self.callsign: dict[str, int] = {}
        self.name: dict[str, int] = {}
        for mmsi, row in vessels.iterrows():
            m = int(str(mmsi))
            if not pd.isna(row.get("imo")):
                self.imo.setdefault(str(int(row["imo"])), m)
            if isinstance(row.get("callsign"), str) and row["callsign"].strip():
                self.callsign.setdefault(row["callsign"].upper().replace(" ", ""), m)
            if name := normalise_name(row.get("name")):
                self.name.setdefault(name, m)

    def named(self, lead: Row) -> dict[int, str]:
        """The vessels a lead names, each with how it names it (``"IMO 9074729"``)."""
        how: dict[int, str] = {}
        for imo in lead["imo"]:
            if imo in self.imo:
                how.setdefault(self.imo[imo], f"IMO {imo}")
        for call in lead["callsigns"]:
            if call in self.callsign:
                how.setdefault(self.callsign[call], f"call sign {call}")
        for name in lead["names"]:
            if name in self.name:
                how.setdefault(self.name[name], f"the vessel {name}")
        for m in lead["mmsi"]:
            how.setdefault(int(m), f"MMSI {int(m)}")
        return how


_LEAD_REASON = re.compile(r"lead #\d+ ")


def _host(lead: Row) -> str:
    try:
        host = urlsplit(str(lead["url"])).hostname
    except ValueError:
        host = None
    return host or str(lead["source"])


def _km(distance_m: float) -> str:
    """``"2.5 km"``, ``"3 km"``; under a kilometre in metres (``"40 m"``)."""
    if distance_m < 950:
        return f"{round(distance_m, -1):.0f} m"
    return f"{distance_m / 1000:.1f}".removesuffix(".0") + " km"


def _apart_s(t: float, start_s: float, end_s: float) -> float:
    """How far ``t`` lies outside ``[start_s, end_s]`` (0 inside)."""
    return max(start_s - t, t - end_s, 0.0)


@dataclass(frozen=True)
class _Bearing:
    """How one lead bears on one alert: the points and the reason."""

    points: int
    text: str


def _bearing(
    lead: Row, named: dict[int, str], alert: AlertRecord, end_s: float, cfg: Settings
) -> _Bearing | None:
    """What ``lead`` says of ``alert``, if anything: its vessels, or a place near in time."""
    parts, points = [], 0
    times: list[float] = list(lead["times"])
    shared = [named[m] for m in alert.mmsi if m in named]
    vessel_reach_s = cfg.lead_match_vessel_window_days * 86400
    if shared and any(
        _apart_s(t, alert.start_s, end_s) <= vessel_reach_s for t in [*times, lead["ts_s"]]
    ):
        parts.append(", ".join(shared))
        points += cfg.lead_match_vessel_points
    place = _near(lead, alert, end_s, cfg)
    if place:
        parts.append(place)
        points += cfg.lead_match_place_points
    if not parts:
        return None
    return _Bearing(points, f"lead #{lead['id']} ({_host(lead)}) names {' and '.join(parts)}")


def _near(lead: Row, alert: AlertRecord, end_s: float, cfg: Settings) -> str | None:
    """``"a place 3 km away 'tomorrow night'"`` when the lead names a point near the alert
    and a time near it (its post time when it names none)."""
    points: Sequence[tuple[float, float, str]] = lead["points"]
    if not points:
        return None
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    distance_m = haversine_m(lon, lat, alert.lon, alert.lat)
    closest = int(np.argmin(distance_m))
    if not distance_m[closest] <= cfg.lead_match_distance_km * 1000:
        return None
    window_s = cfg.lead_match_window_hours * 3600
    if lead["times"]:
        apart = [_apart_s(t, alert.start_s, end_s) for t in lead["times"]]
        when = int(np.argmin(apart))
        if apart[when] > window_s:
            return None
        said = f"'{lead['time_texts'][when]}'"
    else:
        apart_s = _apart_s(lead["ts_s"], alert.start_s, end_s)
        if apart_s > window_s:
            return None
        side = "before" if lead["ts_s"] < alert.start_s else "after"
        said = "posted during it" if apart_s == 0 else f"posted {apart_s / 3600:.0f} h {side} it"
    return f"{points[closest][2]} {_km(float(distance_m[closest]))} away {said}"


class _Candidates:
    """The leads that may bear on an alert, found without trying each: those naming one of
    its vessels, and those naming a point within the distance (one array for all points)."""

    def __init__(
        self, leads: Sequence[Row], named: Sequence[dict[int, str]], distance_m: float
    ) -> None:
        self.distance_m = distance_m
        self.by_vessel: dict[int, list[int]] = {}
        for k, vessels in enumerate(named):
            for m in vessels:
                self.by_vessel.setdefault(m, []).append(k)
        points = [(p[0], p[1], k) for k, lead in enumerate(leads) for p in lead["points"]]
        self.lon = np.array([p[0] for p in points], dtype=float)
        self.lat = np.array([p[1] for p in points], dtype=float)
        self.lead = np.array([p[2] for p in points], dtype=np.int64)

    def of(self, alert: AlertRecord) -> list[int]:
        """Indices of the leads, in order."""
        found = {k for m in alert.mmsi for k in self.by_vessel.get(m, ())}
        if len(self.lead):
            near = haversine_m(self.lon, self.lat, alert.lon, alert.lat) <= self.distance_m
            found.update(int(k) for k in self.lead[near])
        return sorted(found)


def corroborate(records: list[AlertRecord], ctx: RuleContext) -> set[int]:
    """Add to each alert (not ``lead_match``'s own) the points of the leads that bear on it,
    each with its reason, and their ids to ``evidence["leads"]``; returns the ids of the
    leads that bore on one. A lead counts once per alert, so a record scored again gains
    nothing."""
    if ctx.leads.empty:
        return set()
    cfg = ctx.settings.of(Settings)
    leads = ctx.leads.to_dict("records")
    resolver = _Vessels(ctx.vessels)
    named = [resolver.named(lead) for lead in leads]
    candidates = _Candidates(leads, named, cfg.lead_match_distance_km * 1000)
    used: set[int] = set()
    for alert in records:
        if alert.type == NAME:
            continue
        end_s = ctx.now_s if alert.end_s is None else alert.end_s
        ids: list[int] = [int(i) for i in alert.evidence.get("leads", [])]
        given = sum(int(r["points"]) for r in alert.reasons if _LEAD_REASON.match(r["reason"]))
        for k in candidates.of(alert):
            lead = leads[k]
            if int(lead["id"]) in ids:
                continue
            bearing = _bearing(lead, named[k], alert, end_s, cfg)
            if bearing is None:
                continue
            points = max(0, min(bearing.points, cfg.lead_match_max_points - given))
            given += points
            alert.reasons.append(reason(points, bearing.text))
            ids.append(int(lead["id"]))
            used.add(int(lead["id"]))
        if ids:
            alert.evidence["leads"] = sorted(ids)
    return used


def answered(
    record: AlertRecord,
    used: set[int],
    others: list[tuple[str, tuple[int, ...], float, float]],
    settings: BaseRuleSettings,
) -> bool:
    """Whether a ``lead_match`` record is redundant: its lead bore on an alert of this run,
    or another alert (``others``: stored ones as (type, vessels, start_s, end_s)) concerns
    its vessels near the lead's time."""
    if record.type != NAME:
        return False
    if used.intersection(record.evidence.get("leads", [])):
        return True
    reach_s = settings.of(Settings).lead_match_vessel_window_days * 86400
    return any(
        kind != NAME
        and set(record.mmsi) & set(vessels)
        and start_s - reach_s <= (record.end_s or record.start_s)
        and record.start_s <= end_s + reach_s
        for kind, vessels, start_s, end_s in others
    )


def _last_heard(tracks: Tracks) -> dict[int, tuple[float, float]]:
    mmsi, first, count = tracks.vessel_index
    p = tracks.pos
    return {
        int(m): (float(p.lon[i + n - 1]), float(p.lat[i + n - 1]))
        for m, i, n in zip(mmsi, first, count, strict=True)
    }


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    """An alert per lead that names watched vessels, at the place it names (or where the
    vessel was last heard); the engine drops those an alert of another rule answers."""
    if ctx.leads.empty:
        return []
    cfg = ctx.settings.of(Settings)
    resolver = _Vessels(ctx.vessels)
    leads = ctx.leads.to_dict("records")
    named = [resolver.named(lead) for lead in leads]
    candidates = np.array(sorted({m for n in named for m in n}), dtype=np.int64)
    why = watched(candidates, ctx)
    heard = _last_heard(tracks)
    alerts = []
    for lead, vessels in zip(leads, named, strict=True):
        hits = sorted(m for m in vessels if m in why)
        where = [(p[0], p[1]) for p in lead["points"]] + [heard[m] for m in hits if m in heard]
        if not hits or not where or lead["ts_s"] > ctx.now_s:
            continue  # nowhere to be (a vessel never heard, no place), or after the window
        lon, lat = where[0]
        ts_s = float(lead["ts_s"])
        text = (
            f"lead #{lead['id']} ({_host(lead)}) names {', '.join(vessels[m] for m in hits)}: "
            + "; ".join(w for m in hits for w in why[m])
        )
        alerts.append(
            AlertRecord(
                NAME,
                tuple(hits),
                ts_s,
                ts_s,
                lon,
                lat,
                [reason(cfg.lead_match_open_points, text)],
                {
                    "leads": [int(lead["id"])],
                    "url": str(lead["url"]),
                    "named": [vessels[m] for m in hits],
                    "why_watched": {str(m): why[m] for m in hits},
                    "times": [_iso(t) for t in lead["times"]],
                    "vocabulary_score": int(lead["score"]),
                },
                key=f"lead:{lead['id']}",
            )
        )
    return alerts


def _iso(t: float) -> str:
    return pd.Timestamp(t, unit="s", tz="UTC").isoformat().replace("+00:00", "Z")


def reads(ctx: RuleContext) -> np.ndarray:
    """The vessels whose tracks this rule reads: those the window's leads name. It looks at
    the whole window, so a partitioned run runs it once per slice over their tracks."""
    if ctx.leads.empty:
        return np.zeros(0, np.int64)
    resolver = _Vessels(ctx.vessels)
    named = {m for lead in ctx.leads.to_dict("records") for m in resolver.named(lead)}
    return np.array(sorted(named), np.int64)


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: heard vessels that a lead names and that are watched (the
    leads themselves arrive with the hourly full run, which reads them again)."""
    heard = np.unique(delta.new.mmsi)
    if ctx.leads.empty or not len(heard):
        return heard[:0]
    heard = heard[np.isin(heard, reads(ctx))]
    return heard[np.isin(heard, list(watched(heard, ctx)))]
