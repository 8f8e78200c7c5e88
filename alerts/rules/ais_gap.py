"""``ais_gap``: no signal for >= 6 h (suspected disabling at >= 12 h), starting and ending
offshore, where the vessel was being received well just before.

Leaving the receivers' range is not going dark, and neither is the feed going quiet.
Coverage is the stored reception map joined with the window's traffic
(:mod:`alerts.coverage`): a closed gap counts when the straight way between where the
vessel fell silent and where it was heard again runs through covered cells; an open gap
when the cells around its last position are covered. A way through a known coverage hole
(busy cells nobody was heard in while the vessel was silent) is no gap. A way through cells
the map has never heard is still a gap, scored lower ("coverage unknown"), when both of its
ends lie where reception was good all around (an open gap's way is unknown: it needs
coverage). Time the whole feed, or every station that heard where the vessel fell silent,
was out (an outage) does not count as silence; while they are out, open gaps wait.
Other vessels heard near it during the gap are recorded as evidence of coverage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from alerts.coverage import Outages, Reception
from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, reason
from alerts.tracks import Steps, Tracks, vessel_slice
from surveillance.geodesy import DEG_M, NM_M, haversine_m
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes"]

NAME = "ais_gap"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "2"
COLOUR = "#1f77b4"


class Settings(BaseRuleSettings):
    """Thresholds of ``ais_gap``."""

    gap_min_hours: float = Field(default=6.0, gt=0)
    gap_disabling_hours: float = Field(default=12.0, gt=0)
    gap_min_shore_distance_nm: float = Field(default=5.0, ge=0)
    gap_reception_window_hours: float = Field(default=1.0, gt=0)
    gap_min_reports_before: int = Field(default=6, ge=1)
    gap_min_covered_fraction: float = Field(default=0.9, ge=0, le=1)
    gap_neighbour_radius_km: float = Field(default=10.0, gt=0)
    gap_unknown_min_end_covered_fraction: float = Field(default=0.5, ge=0, le=1)
    gap_hole_min_heard_share: float = Field(default=0.5, ge=0, le=1)
    gap_hole_min_heard_hours: int = Field(default=12, ge=1)
    gap_outage_min_minutes: float = Field(default=30.0, gt=0)


BASE_SCORE = 40
#: Points off when the map has never heard the cells of the way.
UNKNOWN_COVERAGE_POINTS = 20


def _others_heard(
    s: Steps,
    by_time: np.ndarray,
    mmsi: int,
    lon: float,
    lat: float,
    t0: float,
    t1: float,
    radius_m: float,
) -> int:
    """Other vessels heard within ``radius_m`` of a point between t0 and t1."""
    lo, hi = np.searchsorted(s.t_s[by_time], [t0, t1])
    rows = by_time[lo:hi]
    rows = rows[(s.mmsi[rows] != mmsi)]
    near = haversine_m(s.lon[rows], s.lat[rows], lon, lat) <= radius_m
    return int(len(np.unique(s.mmsi[rows[near]])))


def _gap(
    ctx: RuleContext,
    mmsi: int,
    t0: float,
    where0: tuple[float, float],
    t1: float | None,
    where1: tuple[float, float] | None,
    evidence: dict[str, Any],
) -> AlertRecord:
    """The alert for a gap from ``t0`` to ``t1`` (None: still silent)."""
    cfg = ctx.settings.of(Settings)
    hours = ((ctx.now_s if t1 is None else t1) - t0) / 3600
    if evidence.get("coverage") == "unknown":
        first = reason(
            BASE_SCORE - UNKNOWN_COVERAGE_POINTS,
            f"silent for {hours:.1f} h offshore, coverage unknown along the way",
        )
    else:
        first = reason(BASE_SCORE, f"silent for {hours:.1f} h offshore, inside coverage")
    reasons = [first]
    if hours >= cfg.gap_disabling_hours:
        reasons.append(reason(20, f"{cfg.gap_disabling_hours:g}+ h: suspected disabling"))
    others = int(evidence.get("others_heard_nearby", 0))
    if others:
        reasons.append(reason(10, f"{others} other vessel(s) heard nearby during the gap"))
    return AlertRecord(
        NAME,
        (mmsi,),
        t0,
        t1,
        where0[0],
        where0[1],
        reasons,
        {
            "gap_h": round(hours, 2),
            "open": t1 is None,
            "suspected_disabling": hours >= cfg.gap_disabling_hours,
            "last_seen": [t0, *where0],
            "seen_again": None if t1 is None or where1 is None else [t1, *where1],
            **evidence,
        },
    )


def _judge(
    reception: Reception,
    cfg: Settings,
    t0: float,
    t1: float,
    where0: tuple[float, float],
    where1: tuple[float, float] | None,
) -> tuple[str, float] | None:
    """The coverage of a gap ("covered" or "unknown", and the covered share), or None when
    the silence proves nothing (a coverage hole, or out of the receivers' reach)."""
    radius_m = cfg.gap_neighbour_radius_km * 1000
    points = (
        reception.around(where0, radius_m) if where1 is None else reception.along(where0, where1)
    )
    share = reception.share(points, t0, t1)
    if share.hole > 1 - cfg.gap_min_covered_fraction:
        return None
    if share.covered >= cfg.gap_min_covered_fraction:
        return "covered", share.covered
    if where1 is None or share.unknown < 1 - cfg.gap_min_covered_fraction:
        return None  # an open gap's way is not known; part of the way out of reach
    ends = (reception.share(reception.around(w, radius_m), t0, t1) for w in (where0, where1))
    if all(end.covered >= cfg.gap_unknown_min_end_covered_fraction for end in ends):
        return "unknown", share.covered
    return None


def _reappeared(tracks: Tracks, ctx: RuleContext, found: list[AlertRecord]) -> list[AlertRecord]:
    """Gaps stored as open whose vessel is heard again (their start may be out of the window)."""
    p, known = tracks.pos, {(a.mmsi[0], round(a.start_s)) for a in found}
    closed = []
    for mmsi, t0, lon0, lat0 in ctx.open_gaps:
        rows = vessel_slice(p.mmsi, mmsi)
        later = np.flatnonzero(p.t_s[rows] > t0 + 1)
        if (mmsi, round(t0)) in known or not len(later):
            continue
        k = rows.start + int(later[0])
        where = (float(p.lon[k]), float(p.lat[k]))
        closed.append(_gap(ctx, mmsi, t0, (lon0, lat0), float(p.t_s[k]), where, {}))
    return closed


def _candidates(tracks: Tracks, ctx: RuleContext, cfg: Settings) -> tuple[np.ndarray, ...]:
    """Reports after which a vessel fell silent long enough, well heard just before and
    offshore at both ends: (before, after, still open, reports in the hour before)."""
    p = tracks.pos
    min_gap_s = cfg.gap_min_hours * 3600
    last_of_vessel = np.append(~tracks.same_vessel, True)
    closed = np.flatnonzero(tracks.same_vessel & (tracks.dt_s >= min_gap_s))
    open_ = np.flatnonzero(last_of_vessel & (ctx.now_s - p.t_s >= min_gap_s))
    before = np.concatenate([closed, open_])
    is_open = np.concatenate([np.zeros(len(closed), bool), np.ones(len(open_), bool)])
    # received well just before: enough reports of the vessel in the hour before
    rank = np.cumsum(np.append(True, ~tracks.same_vessel))  # vessel number per report
    key = rank * 1e10 + p.t_s
    window_s = cfg.gap_reception_window_hours * 3600
    heard = before - np.searchsorted(key, key[before] - window_s) + 1
    keep = heard >= cfg.gap_min_reports_before
    before, is_open, heard = before[keep], is_open[keep], heard[keep]
    after = np.where(is_open, before, before + 1)
    offshore_m = cfg.gap_min_shore_distance_nm * NM_M
    offshore = ctx.coast.shore_m(p.lon[before], p.lat[before]) >= offshore_m
    offshore &= ctx.coast.shore_m(p.lon[after], p.lat[after]) >= offshore_m
    return before[offshore], after[offshore], is_open[offshore], heard[offshore]


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, p = ctx.settings.of(Settings), tracks.pos
    before, after, is_open, heard = _candidates(tracks, ctx, cfg)
    outages = Outages.of_feed(
        p.t_s, p.mmsi, ctx.now_s, cfg.gap_outage_min_minutes * 60, cfg.outage_min_vessels
    )
    alerts: list[AlertRecord] = []
    if len(before):
        s = tracks.steps
        reception = Reception(
            s,
            ctx.reception,
            cfg.coverage_cell_deg,
            cfg.gap_hole_min_heard_share,
            cfg.gap_hole_min_heard_hours,
        )
        by_time = np.argsort(s.t_s, kind="stable")
        radius_m = cfg.gap_neighbour_radius_km * 1000
    for b, a, still_open, n_before in zip(before, after, is_open, heard, strict=True):
        if still_open and outages.ongoing:
            continue  # the feed is silent: the vessel's gap waits until it is heard again
        where0 = (float(p.lon[b]), float(p.lat[b]))
        where1 = None if still_open else (float(p.lon[a]), float(p.lat[a]))
        t0, t1 = float(p.t_s[b]), None if still_open else float(p.t_s[a])
        stations_out_s, waiting = ctx.station_outages.silenced(where0, t0, t1 or ctx.now_s)
        if still_open and waiting:
            continue  # the stations that heard it are out: wait until they are heard again
        outage_s = max(outages.overlap_s(t0, t1 or ctx.now_s), stations_out_s)
        if (t1 or ctx.now_s) - t0 - outage_s < cfg.gap_min_hours * 3600:
            continue  # silent mostly while the feed, or its stations, were
        judged = _judge(reception, cfg, t0, t1 or ctx.now_s, where0, where1)
        if judged is None:
            continue
        mmsi = int(p.mmsi[b])
        others = _others_heard(s, by_time, mmsi, *where0, t0, t1 or ctx.now_s, radius_m)
        evidence = {
            "reports_in_hour_before": int(n_before),
            "others_heard_nearby": others,
            "coverage": judged[0],
            "covered_fraction": round(judged[1], 2),
            "outage_h": round(outage_s / 3600, 2),
        }
        alerts.append(_gap(ctx, mmsi, t0, where0, t1, where1, evidence))
    return alerts + _reappeared(tracks, ctx, alerts)


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: vessels heard again after a long silence or whose silence
    just reached a threshold, and the traffic around their way (it tells the coverage)."""
    cfg, new = ctx.settings.of(Settings), delta.new
    min_gap_s, disabling_s = cfg.gap_min_hours * 3600, cfg.gap_disabling_hours * 3600
    back = np.flatnonzero(new.t_s - delta.prev_t_s >= min_gap_s)
    gaps = {g[0]: (g[2], g[3]) for g in ctx.open_gaps}
    stored = np.flatnonzero(np.isin(new.mmsi, list(gaps)) & np.isnan(delta.prev_t_s))
    silent = np.union1d(
        delta.silent_between(min_gap_s, min_gap_s), delta.silent_between(disabling_s, disabling_s)
    )
    at = np.searchsorted(delta.last_mmsi, silent)
    ways = [
        *zip(delta.prev_lon[back], delta.prev_lat[back], new.lon[back], new.lat[back], strict=True),
        *((*gaps[int(new.mmsi[k])], new.lon[k], new.lat[k]) for k in stored),
        *zip(
            delta.last_lon[at],
            delta.last_lat[at],
            delta.last_lon[at],
            delta.last_lat[at],
            strict=True,
        ),
    ]
    pad_m = cfg.gap_neighbour_radius_km * 1000 + cfg.coverage_cell_deg * DEG_M
    traffic = []
    for lon0, lat0, lon1, lat1 in ways:
        if np.isnan(lon0):  # a stored gap placed nowhere
            lon0, lat0 = lon1, lat1
        pad_lon = pad_m / (DEG_M * np.cos(np.radians(max(abs(lat0), abs(lat1)))))
        traffic.append(
            delta.passing(
                min(lon0, lon1) - pad_lon,
                min(lat0, lat1) - pad_m / DEG_M,
                max(lon0, lon1) + pad_lon,
                max(lat0, lat1) + pad_m / DEG_M,
            )
        )
    woken = [new.mmsi[back], new.mmsi[stored], silent, *traffic]
    return np.unique(np.concatenate(woken)).astype(np.int64)
