"""The alerts engine: read a window from the store, run every rule, score, store alerts.

Only the engine and its parts' tasks touch the store; the rules are pure. Alert ids are
deterministic (rule, vessels, start, key), and a new finding that continues an alert already
stored (same rule, vessels and key, overlapping in time) updates that alert: re-running a
window changes nothing, and an event seen over several runs stays one alert that grows.

A window runs slice by slice (alerts/partition.py), each slice's tiles as parts run by a
runner (alerts/runners.py: in process, or on Dask distributed workers); the engine reads
what the slice shares, learns, gathers the parts' findings and stores them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from alerts.coast import Coast
from alerts.geography import load_zone_files, rule_geography
from alerts.leads import lead_frame
from alerts.learning import Learnt, learn
from alerts.matching import MatchSettings, match_detections, seen_by_sensors
from alerts.partition import plan_slices, plan_tiles
from alerts.rules import AlertRecord, RuleContext, lead_match, registered_rules
from alerts.runners import InProcess, Runner
from alerts.scoring import ScoreContext, score_alerts
from alerts.tasks import RULES, Part, Shared, rule_context, run_rule, window_rules
from alerts.tracks import Tracks
from surveillance.errors import InputError
from surveillance.reference import load_geography
from surveillance.settings import Settings
from surveillance.store import Store
from surveillance.store.position_read import PositionArrays

__all__ = ["Engine", "RunStats", "TaskTime", "alert_id", "RULES"]

log = logging.getLogger(__name__)

#: An alert of the key rule makes alerts of the others on the same vessels at the same
#: time redundant: an STS pair loiters by definition.
SUPERSEDES = {"sts_transfer": ("loitering",)}
#: Separate gaps are separate events, however close.
_NOT_JOINED = ("ais_gap",)


@dataclass
class RunStats:
    since: datetime
    until: datetime
    positions: int = 0
    vessels: int = 0
    detections: int = 0  # ships seen by sensors in the window, matched to AIS again
    matched: int = 0
    dark: int = 0
    leads: int = 0  # web leads read that bear on the window
    leads_matched: int = 0  # of them, those that added points to an alert
    found: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    written: int = 0
    withdrawn: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    slices: int = 0
    tasks: list[TaskTime] = field(default_factory=list)  # each part's phases, for projections

    def add(self, other: RunStats) -> None:
        """Count a later slice's run in."""
        self.until = other.until
        for name in ("positions", "detections", "matched", "dark", "leads", "leads_matched"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.written, self.withdrawn = (
            self.written + other.written,
            self.withdrawn + other.withdrawn,
        )
        self.vessels = max(self.vessels, other.vessels)
        for name, count in other.found.items():
            self.found[name] = self.found.get(name, 0) + count
        for name, seconds in other.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.failed.update(other.failed)
        self.slices += other.slices
        self.tasks += other.tasks


@dataclass(frozen=True)
class TaskTime:
    """One phase of one part: where it ran, how long it took, the positions it kept."""

    phase: str  # "survey" or "find"
    slice_start: datetime
    tile: int
    seconds: float
    positions: int
    worker: str


def alert_id(kind: str, mmsi: tuple[int, ...], start_s: float, key: str = "") -> str:
    """Deterministic id from the rule, the vessels, the start and the rule's key."""
    text = f"{kind}|{','.join(map(str, sorted(mmsi)))}|{int(start_s)}|{key}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars become Python numbers, NaN and infinities None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _join_nearby(records: list[AlertRecord], gap_s: float, now_s: float) -> list[AlertRecord]:
    """One alert for pieces of one event (same rule, vessels and key) ``gap_s`` apart or less:
    a loiterer that briefly picks up speed, a vessel in and out of a zone's edge."""
    joined: list[AlertRecord] = []
    last: dict[tuple[str, tuple[int, ...], str], AlertRecord] = {}
    for r in sorted(records, key=lambda r: r.start_s):
        key = (r.type, tuple(sorted(r.mmsi)), r.key)
        before = None if r.type in _NOT_JOINED else last.get(key)
        if before is not None and r.start_s - (before.end_s or now_s) <= gap_s:
            if before.end_s is not None:
                before.end_s = None if r.end_s is None else max(before.end_s, r.end_s)
            if r.score > before.score:
                before.reasons, before.evidence = r.reasons, r.evidence
            before.evidence["pieces"] = before.evidence.get("pieces", 1) + 1
            continue
        last[key] = r
        joined.append(r)
    return joined


def _supersede(
    records: list[AlertRecord], stored: list[tuple[str, tuple[int, ...], float, float]]
) -> list[AlertRecord]:
    """Records without those another (found now or stored) makes redundant."""
    others = [(o.type, o.mmsi, o.start_s, o.end_s or np.inf) for o in records] + [
        o for o in stored if o[0] in SUPERSEDES
    ]
    keep = []
    for r in records:
        covered = any(
            r.type in SUPERSEDES.get(kind, ())
            and set(r.mmsi) <= set(mmsi)
            and start <= (r.end_s or np.inf)
            and r.start_s <= end
            for kind, mmsi, start, end in others
        )
        if not covered:
            keep.append(r)
    return keep


_ACTIVE = ("new", "acknowledged", "escalated")


def _later_end(a: float | None, b: float | None) -> float | None:
    """The end of two findings of one alert: a closed end beats an open one."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)


class _Stored:
    """The alerts already stored around the window: for ids, open gaps and history."""

    def __init__(self, frame: gpd.GeoDataFrame, now_s: float) -> None:
        self.now_s = now_s
        self.rows: dict[str, tuple[str, tuple[int, ...], str, str, float, float | None]] = {}
        self.where: dict[str, tuple[float, float]] = {}
        withdrawn = frame["withdrawn_at"].notna() if "withdrawn_at" in frame else []
        self.withdrawn: set[str] = set(frame["id"][withdrawn]) if len(frame) else set()
        row: dict[str, Any]
        for row in frame.to_dict("records"):
            end = None if pd.isna(row["end"]) else pd.Timestamp(row["end"]).timestamp()
            vessels = tuple(sorted(int(m) for m in row["mmsi"]))
            self.rows[row["id"]] = (
                row["type"],
                vessels,
                str(row["key"] or ""),
                row["status"],
                pd.Timestamp(row["start"]).timestamp(),
                end,
            )
            if row["geom"] is not None:
                point = row["geom"].representative_point()
                self.where[row["id"]] = (point.x, point.y)

    def open_gaps(self) -> list[tuple[int, float, float, float]]:
        return [
            (vessels[0], start, *self.where.get(row_id, (float("nan"), float("nan"))))
            for row_id, (kind, vessels, _, status, start, end) in self.rows.items()
            if kind == "ais_gap"
            and end is None
            and status in _ACTIVE
            and row_id not in self.withdrawn
        ]

    def place(
        self, records: list[AlertRecord], slack_s: float
    ) -> tuple[list[str], list[AlertRecord]]:
        """An id for each record: its own, or that of the active stored alert it continues;
        records that land on one id become one record."""
        by_id: dict[str, AlertRecord] = {}
        for r in records:
            own = alert_id(r.type, r.mmsi, r.start_s, r.key)
            target = own if own in self.rows else self._continued(r, slack_s) or own
            if target in self.rows and not (target == own and r.type in _NOT_JOINED):
                _, _, _, _, start, end = self.rows[target]
                r.start_s, r.end_s = min(start, r.start_s), _later_end(end, r.end_s)
            if target in by_id:
                other = by_id[target]
                r.start_s = min(r.start_s, other.start_s)
                r.end_s = _later_end(r.end_s, other.end_s)
                if other.score > r.score:
                    r.reasons, r.evidence = other.reasons, other.evidence
            by_id[target] = r
        return list(by_id), list(by_id.values())

    def _continued(self, r: AlertRecord, slack_s: float) -> str | None:
        mine = (r.type, tuple(sorted(r.mmsi)), r.key)
        for row_id, (kind, vessels, key, status, start, end) in self.rows.items():
            same = (kind, vessels, key) == mine and status in _ACTIVE
            stored_end = self.now_s if end is None else end
            new_end = self.now_s if r.end_s is None else r.end_s
            if same and start - slack_s <= new_end and r.start_s <= stored_end + slack_s:
                return row_id
        return None

    def history(self, exclude: set[str]) -> list[tuple[str, tuple[int, ...], float, float]]:
        return [
            (kind, vessels, start, self.now_s if end is None else end)
            for row_id, (kind, vessels, _, _, start, end) in self.rows.items()
            if row_id not in exclude and row_id not in self.withdrawn
        ]

    def judged(
        self, ran: set[str], span_s: tuple[float, float, float], found: set[str]
    ) -> list[str]:
        """Stored alerts of the rules that ran, starting after ``span_s[0]`` and ending in
        ``span_s[1:]``, that no finding matched: a run over their data no longer finds them."""
        start_from_s, end_from_s, until_s = span_s
        return [
            row_id
            for row_id, (kind, _, _, _, start, end) in self.rows.items()
            if kind in ran
            and end is not None
            and start_from_s <= start
            and end_from_s <= end <= until_s
            and row_id not in found
            and row_id not in self.withdrawn
        ]


def _with_leads(
    ids: list[str],
    records: list[AlertRecord],
    ctx: RuleContext,
    history: list[tuple[str, tuple[int, ...], float, float]],
    stats: RunStats,
) -> tuple[list[str], list[AlertRecord]]:
    """The leads' points added to the alerts they bear on; without the ``lead_match``
    alerts that another alert (found now or stored) answers. A failure is noted in
    ``stats`` and the alerts are stored without the leads' points."""
    stats.leads = len(ctx.leads)
    try:
        used = lead_match.corroborate(records, ctx)
        keep = [not lead_match.answered(r, used, history, ctx.settings) for r in records]
    except Exception as exc:  # the other rules' alerts are stored all the same
        log.exception("adding the leads' points failed")
        stats.failed[lead_match.NAME] = f"{type(exc).__name__}: {exc}"
        return ids, records
    stats.leads_matched = len(used)
    return (
        [i for i, k in zip(ids, keep, strict=True) if k],
        [r for r, k in zip(records, keep, strict=True) if k],
    )


def _frame(
    ids: list[str], records: list[AlertRecord], versions: dict[str, str], now_s: float
) -> gpd.GeoDataFrame:
    """Alert rows for the store, each with the version of the rule that found it."""
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "type": [r.type for r in records],
            "score": [r.score for r in records],
            "start": pd.to_datetime([r.start_s for r in records], unit="s", utc=True),
            "end": pd.to_datetime(
                np.array([np.nan if r.end_s is None else r.end_s for r in records]),
                unit="s",
                utc=True,
            ),
            "mmsi": [list(r.mmsi) for r in records],
            "evidence": [_plain({**r.evidence, "key": r.key}) for r in records],
            "score_reasons": [_plain(r.reasons) for r in records],
            "rule_version": [versions[r.type] for r in records],
            "updated_at": datetime.now(UTC),
            "seen_until": pd.Timestamp(now_s, unit="s", tz="UTC"),
        },
        geometry=shapely.points([r.lon for r in records], [r.lat for r in records]),
        crs=4326,
    )


class Engine:
    """Runs the rules over windows of one store; keeps the geography between runs."""

    def __init__(self, settings: Settings, store: Store, runner: Runner | None = None) -> None:
        self.settings, self.store = settings, store
        self.rules = settings.rules
        self.runner: Runner = runner or InProcess()
        self._geography: tuple[Coast, gpd.GeoDataFrame] | None = None
        self._extra_zones: gpd.GeoDataFrame | None = None
        self._versions = {name: rule.version for name, rule in registered_rules().items()}
        #: the learnt maps as the last full run left them (follow cycles reuse them)
        self.learnt = Learnt()

    def _geo(self) -> tuple[Coast, gpd.GeoDataFrame]:
        if self._geography is None:
            load_geography(self.settings, self.store)  # a no-op when the store has it
            self._geography = rule_geography(self.settings, self.store, self._zone_files())
        return self._geography

    def _zone_files(self) -> gpd.GeoDataFrame:
        if self._extra_zones is None:
            self._extra_zones = load_zone_files(self.rules.zone_files)
        return self._extra_zones

    def shared(
        self, since_s: float, now_s: float, identities: pd.DataFrame, stored: _Stored
    ) -> Shared:
        """What the rules are given besides the tracks and the geography, for a window."""
        cfg = self.rules
        looked_from = datetime.fromtimestamp(since_s - cfg.detect_context_hours * 3600, UTC)
        looked_until = datetime.fromtimestamp(now_s, UTC) + timedelta(microseconds=1)
        detections, scenes = seen_by_sensors(self.store, (looked_from, looked_until))
        leads_s = lead_match.read_window_s(cfg, since_s, now_s)
        leads = self.store.lead_evidence(
            (datetime.fromtimestamp(leads_s[0], UTC), datetime.fromtimestamp(leads_s[1], UTC))
        )
        return Shared(
            settings=self.settings,
            since_s=since_s,
            now_s=now_s,
            vessels=self.store.vessels().set_index("mmsi"),
            watchlist=self.store.watchlist(),
            identities=identities,
            open_gaps=stored.open_gaps(),
            learnt=self.learnt,
            detections=detections,
            scenes=scenes,
            leads=lead_frame(leads),
            extra_zones=self._zone_files(),
            geography=self.store.reference_fingerprint(f"geography:{self.settings.aoi_name}")
            or "",
        )

    def context(
        self,
        since_s: float,
        now_s: float,
        seen: np.ndarray,
        identities: pd.DataFrame,
        stored: _Stored,
    ) -> RuleContext:
        """What the rules are given besides the tracks (``seen``: the vessels heard)."""
        return rule_context(self.shared(since_s, now_s, identities, stored), *self._geo(), seen)

    def match(self, since: datetime, until: datetime, stats: RunStats) -> None:
        """Match the window's detections to AIS again (late reports change the matches),
        so that the rules read them as the store now explains them."""
        clock = time.perf_counter()
        cfg = self.rules if isinstance(self.rules, MatchSettings) else MatchSettings()
        try:
            summary = match_detections(self.store, (since, until), settings=cfg)
        except Exception as exc:  # the rules still run, on the matches recorded before
            log.exception("matching detections to AIS failed")
            stats.failed["match"] = f"{type(exc).__name__}: {exc}"
            return
        finally:
            stats.seconds["match"] = time.perf_counter() - clock
        stats.detections, stats.matched, stats.dark = (
            summary.detections,
            summary.matched,
            summary.dark,
        )

    def stored(self, read_from: datetime, until: datetime, now_s: float) -> _Stored:
        """The alerts stored around a window (for continuations, open gaps and history)."""
        cfg = self.rules
        window = (
            read_from - timedelta(days=cfg.repeat_lookback_days),
            until + timedelta(hours=cfg.alert_merge_gap_hours),
        )
        return _Stored(self.store.alerts_overlapping(window), now_s)

    def detect(
        self,
        name: str,
        tracks: Tracks,
        ctx: RuleContext,
        stats: RunStats,
    ) -> list[AlertRecord]:
        """One rule's findings that end in the window; a rule that fails is noted in
        ``stats`` and the others go on."""
        return run_rule(name, tracks, ctx, stats)

    def finish(
        self,
        records: list[AlertRecord],
        stored: _Stored,
        ctx: RuleContext,
        stats: RunStats,
        judged_s: tuple[float, float, float] | None = None,
    ) -> None:
        """Join, supersede, place on stored ids, score and store the findings of a run; with
        ``judged_s``, withdraw the stored alerts in that span the run no longer finds."""
        cfg = self.rules
        clock = time.perf_counter()
        records = _join_nearby(records, cfg.alert_merge_gap_hours * 3600, ctx.now_s)
        records = _supersede(records, stored.history(set()))
        ids, records = stored.place(records, cfg.alert_merge_gap_hours * 3600)
        ids, records = _with_leads(ids, records, ctx, stored.history(set(ids)), stats)
        known = ctx.vessels["flag"].dropna()
        flags = dict(zip(known.index.astype(int), known.astype(str), strict=True))
        score = ScoreContext(flags, cfg.watch_flags, set(ctx.watchlisted), stored.history(set(ids)))
        score_alerts(records, score, ctx.now_s)
        frame = _frame(ids, records, self._versions, ctx.now_s)
        live_slack_s = 2 * cfg.resample_minutes * 60
        stats.written = self.store.write_alerts(frame, live_slack_s) if records else 0
        if judged_s is not None:
            ran = set(RULES) - set(stats.failed)
            gone = stored.judged(ran, judged_s, set(ids))
            note = "no longer found by the rule over the same data: late reports changed it"
            stats.withdrawn = self.store.withdraw_alerts(gone, note) if gone else 0
        stats.seconds["write"] = time.perf_counter() - clock

    def parts(self, read: tuple[datetime, datetime], stored: _Stored) -> list[Part]:
        """The tiles of a slice as parts: one in process, about four per worker on a
        cluster, unless ``rules.detect_tile_deg`` sets their size."""
        cfg, workers = self.rules, self.runner.workers
        tiles = plan_tiles(
            self.settings.aoi_bbox_deg,
            cfg.detect_tile_deg,
            at_least=4 * workers if workers > 1 else 1,
        )
        run = uuid.uuid4().hex[:12]
        gaps = stored.open_gaps()
        parts = []
        for tile in tiles:
            box = tile.read_box(cfg.detect_halo_km)
            silent = (
                ()
                if box is None
                else tuple(sorted({m for m, _, lon, lat in gaps if _inside(box, lon, lat)}))
            )
            parts.append(Part(f"{run}-{tile.index}", read, tile, tiles, cfg.detect_halo_km, silent))
        return parts

    def run(
        self,
        since: datetime,
        until: datetime,
        now: datetime | None = None,
        on_step: Callable[[str], None] = lambda _: None,
        on_positions: Callable[[PositionArrays], None] | None = None,
    ) -> RunStats:
        """Run every rule over ``[since, until)`` and store what they find, slice by slice
        (``on_positions`` is given what was read: the follow mode keeps it)."""
        if since.tzinfo is None or until.tzinfo is None or since >= until:
            raise InputError("the window must be timezone-aware, with since before until")
        now = min(now or until, datetime.now(UTC))  # nothing is silent in the future
        cfg = self.rules
        slices = plan_slices(
            since,
            until,
            cfg.detect_slice_hours,
            positions=self.store.count_positions_roughly((since, until)),
            budget_mb=cfg.detect_memory_budget_mb,
            context_hours=cfg.detect_context_hours,
        )
        total: RunStats | None = None
        for k, (start, end) in enumerate(slices):
            head = f"slice {k + 1} of {len(slices)} ({start:%Y-%m-%d %H:%M})"
            step = on_step if len(slices) == 1 else _prefixed(on_step, head)
            stats = self._slice(start, end, min(now, end), step, on_positions)
            if total is None:
                total = stats
            else:
                total.add(stats)
        assert total is not None  # plan_slices gives at least one slice
        return total

    def _slice(
        self,
        since: datetime,
        until: datetime,
        now: datetime,
        on_step: Callable[[str], None],
        on_positions: Callable[[PositionArrays], None] | None,
    ) -> RunStats:
        """One slice: its parts surveyed, the maps learnt, its parts' findings and those of
        the rules over the whole window gathered, then stored."""
        cfg = self.rules
        stats = RunStats(since, until, slices=1)
        clock = time.perf_counter()
        self._geo()  # the store holds the geography before any worker reads it
        read_from = since - timedelta(hours=cfg.detect_context_hours)
        read = (read_from, until)
        stored = self.stored(read_from, until, now.timestamp())
        on_step("matching detections to AIS")
        self.match(read_from, until, stats)
        parts = self.parts(read, stored)
        surveyed = self.runner.survey(self.store, parts, cfg, on_positions, on_step)
        stats.seconds["read"] = time.perf_counter() - clock
        learning = time.perf_counter()
        found_stops = pd.concat([s.stops for s in surveyed], ignore_index=True)
        self.learnt = learn(self.store, cfg, found_stops, (since, until))
        stats.seconds["learn"] = time.perf_counter() - learning
        shared = self.shared(
            since.timestamp(), now.timestamp(), self.store.identities(read), stored
        )
        stats.positions = sum(s.positions for s in surveyed)
        stats.vessels = sum(len(s.kept) for s in surveyed)
        found = self.runner.find(self.store, parts, shared, self._geo, surveyed, on_step)
        records = [r for f in found for r in f.records]
        for f in found:
            for name, count in f.tally.found.items():
                stats.found[name] = stats.found.get(name, 0) + count
            for name, seconds in f.tally.seconds.items():
                stats.seconds[name] = stats.seconds.get(name, 0.0) + seconds
            stats.failed.update(f.tally.failed)
        on_step("rules over the whole window")
        heard = np.unique(np.concatenate([s.heard for s in surveyed]))
        ctx = rule_context(shared, *self._geo(), heard)
        records += window_rules(self.store, read, ctx, stats)
        stats.tasks = [
            TaskTime(phase, since, part.tile.index, result.seconds, s.positions, result.worker)
            for part, s, f in zip(parts, surveyed, found, strict=True)
            for phase, result in (("survey", s), ("find", f))
        ]
        on_step("scoring and storing alerts")
        margin_s = cfg.detect_context_hours * 1800  # the rules' look-back before an event
        judged_s = (read_from.timestamp() + margin_s, ctx.since_s, until.timestamp())
        self.finish(records, stored, ctx, stats, judged_s)
        return stats


def _prefixed(on_step: Callable[[str], None], head: str) -> Callable[[str], None]:
    return lambda text: on_step(f"{head}: {text}")


def _inside(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north
