"""``detect --follow`` made incremental: each cycle reads only what arrived since the last.

A :class:`Follower` keeps every vessel's tail in memory (:mod:`alerts.follow_state`). A
cycle re-reads the reports of the last few minutes (``detect_follow_lateness_minutes``
before the newest it holds, so that late arrivals are taken in), learns which are new,
asks each rule which vessels they may concern (its ``wakes``; every vessel heard for a
rule without one) and runs it over those vessels' tails only. The findings are merged
into the stored alerts by the engine as a full run's are. Every
``detect_follow_refresh_hours`` a cycle is a full run over the look-back instead: it takes
in reports that arrived later than the lateness allowance, and judges stored alerts again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np

from alerts.engine import RULES, Engine, RunStats
from alerts.follow_state import Delta, Tails
from alerts.rules import AlertRecord, RuleContext, registered_rules
from alerts.tracks import Tracks

__all__ = ["Follower", "follow"]

log = logging.getLogger(__name__)


class Follower:
    """The state of ``detect --follow`` between cycles, over one engine and its store."""

    def __init__(self, engine: Engine) -> None:
        self.engine, cfg = engine, engine.rules
        self.tails = Tails(cfg.detect_context_hours * 3600, cfg.detect_follow_lookback_hours * 3600)
        self._refreshed_s = float("-inf")
        self._wakes = {name: rule.wakes for name, rule in registered_rules().items()}

    def cycle(self, now: datetime) -> RunStats:
        """One cycle up to ``now``: a full run when due, else an incremental one."""
        cfg, now_s = self.engine.rules, now.timestamp()
        if now_s - self._refreshed_s >= cfg.detect_follow_refresh_hours * 3600:
            since = now - timedelta(hours=cfg.detect_follow_lookback_hours)
            stats = self.engine.run(
                since, now, now, on_positions=partial(self.tails.replace, now_s=now_s)
            )
            self._refreshed_s = now_s
            return stats
        return self._increment(now)

    def _increment(self, now: datetime) -> RunStats:
        engine, cfg, now_s = self.engine, self.engine.rules, now.timestamp()
        clock = time.perf_counter()
        held_s = min(self.tails.newest_s, self.tails.now_s)
        from_s = max(
            held_s - cfg.detect_follow_lateness_minutes * 60,
            now_s - cfg.detect_follow_lookback_hours * 3600,  # nothing held yet
        )
        since = datetime.fromtimestamp(from_s, now.tzinfo)
        stats = RunStats(since, now)
        recent = engine.store.position_arrays((since, now + timedelta(microseconds=1)))
        delta = self.tails.absorb(recent, from_s, now_s)
        stats.seconds["read"] = time.perf_counter() - clock
        clock = time.perf_counter()
        read_from = since - timedelta(hours=cfg.detect_context_hours)
        stored = engine.stored(read_from, now, now_s)
        first_new_s = float(delta.new.t_s.min()) if len(delta.new) else now_s
        ctx = engine.context(
            first_new_s - cfg.resample_minutes * 60,
            now_s,
            delta.last_mmsi,
            engine.store.identities((since, now)),
            stored,
        )
        stats.positions, stats.vessels = len(delta.new), len(np.unique(delta.new.mmsi))
        stats.seconds["context"] = time.perf_counter() - clock
        records: list[AlertRecord] = []
        for name in RULES:
            records += self._rule(name, delta, ctx, stats)
        engine.finish(records, stored, ctx, stats)
        return stats

    def _rule(
        self, name: str, delta: Delta, ctx: RuleContext, stats: RunStats
    ) -> list[AlertRecord]:
        """One rule over the tails of the vessels it says the new reports concern."""
        wakes = self._wakes.get(name)
        try:
            woken = np.unique(delta.new.mmsi) if wakes is None else wakes(delta, ctx)
        except Exception as exc:  # one broken rule must not stop the others
            log.exception("rule %s failed to say which vessels it needs", name)
            stats.failed[name] = f"{type(exc).__name__}: {exc}"
            return []
        if not len(woken):
            stats.found[name] = 0
            return []
        return self.engine.detect(name, Tracks(self.tails.of(woken), self.engine.rules), ctx, stats)


def follow(engine: Engine, stop: threading.Event, report: Callable[[RunStats], None]) -> None:
    """A cycle every ``detect_follow_interval_s`` until ``stop`` is set."""
    follower = Follower(engine)
    while not stop.is_set():
        started = time.monotonic()
        report(follower.cycle(datetime.now(UTC)))
        stop.wait(max(0.0, engine.rules.detect_follow_interval_s - (time.monotonic() - started)))
