"""The work of one tile of one slice (a *part*), as a worker or the engine itself does it.

A part's task reads its positions from the store itself (the whole tracks of the vessels
heard within the halo of its tile, see :mod:`alerts.partition`) and works in two phases:

1. ``survey``: the vessels it read, and the stops of those it keeps (each vessel is kept by
   the tile of its first position), which the engine adds to the learnt anchorages;
2. ``find``: every rule over its tracks, given the slice's shared context, keeping the
   findings whose point lies in its tile.

Rules that look at the whole window (they declare ``reads``) are run by the engine once per
slice instead (:func:`window_rules`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from alerts.anchorages import stops
from alerts.coast import Coast
from alerts.learning import Learnt
from alerts.partition import Tile, owners
from alerts.rules import AlertRecord, RuleContext, registered_rules
from alerts.tracks import Tracks
from alerts.watch import watchlist_matches
from surveillance.rule_settings import BaseRuleSettings
from surveillance.settings import Settings
from surveillance.store import Store
from surveillance.store.position_read import PositionArrays

__all__ = [
    "RULES",
    "WINDOWED",
    "Part",
    "Shared",
    "Survey",
    "Found",
    "Tally",
    "Counts",
    "read_part",
    "survey",
    "find",
    "run_rule",
    "window_rules",
    "rule_context",
]

log = logging.getLogger(__name__)

#: The registered rules' entries by name, in the order they run.
RULES = {name: rule.detect for name, rule in registered_rules().items()}
#: The rules that look at the whole window: run once per slice, the others once per part.
WINDOWED = {name: rule.reads for name, rule in registered_rules().items() if rule.reads}


@dataclass(frozen=True)
class Part:
    """One tile of one slice: what its task reads."""

    key: str  # unique in the run: names the task and its tracks between the phases
    read: tuple[datetime, datetime]  # the slice with the rules' context before it
    tile: Tile
    tiles: tuple[Tile, ...]  # the plan it belongs to (for the owner of each finding)
    halo_km: float
    #: vessels with an open gap whose silent point lies within the halo: read all the same
    silent: tuple[int, ...] = ()


class Counts(Protocol):
    """Per rule: findings, failures (in words) and seconds (a Tally, or the engine's
    RunStats)."""

    found: dict[str, int]
    failed: dict[str, str]
    seconds: dict[str, float]


@dataclass
class Tally:
    """Per rule: findings kept, failures (in words) and seconds."""

    found: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Survey:
    heard: np.ndarray  # every vessel the part read
    kept: np.ndarray  # the vessels whose first position lies in its tile
    positions: int  # their positions
    stops: pd.DataFrame  # their stops (alerts.anchorages.stops)
    seconds: float
    worker: str = ""


@dataclass(frozen=True)
class Found:
    records: list[AlertRecord]  # the findings whose point lies in the part's tile
    tally: Tally
    seconds: float
    worker: str = ""


@dataclass(frozen=True)
class Shared:
    """What every part of a slice is given besides its tracks, read once by the engine."""

    settings: Settings
    since_s: float
    now_s: float
    vessels: pd.DataFrame
    watchlist: pd.DataFrame
    identities: pd.DataFrame
    open_gaps: list[tuple[int, float, float, float]]
    learnt: Learnt
    detections: pd.DataFrame
    scenes: gpd.GeoDataFrame
    leads: pd.DataFrame
    extra_zones: gpd.GeoDataFrame  # from the settings' zone files, read by the engine
    geography: str  # the fingerprint of the geography the store holds (loaded beforehand)


def _no_positions() -> PositionArrays:
    empty = np.zeros(0)
    return PositionArrays(empty.astype(np.int64), empty, empty, empty, empty.astype(np.float32))


def read_part(store: Store, part: Part) -> PositionArrays:
    """The whole tracks, over the part's read window, of the vessels heard in its tile's
    halo box (and of its silent vessels); everything for the whole-plane tile."""
    box = part.tile.read_box(part.halo_km)
    if box is None:
        return store.position_arrays(part.read)
    heard = np.union1d(store.vessels_heard(part.read, box), np.array(part.silent, np.int64))
    return store.position_arrays(part.read, mmsi=heard.tolist()) if len(heard) else _no_positions()


def survey(part: Part, tracks: Tracks, cfg: BaseRuleSettings, worker: str = "") -> Survey:
    """Phase 1: the vessels read, those the part keeps and their stops."""
    clock = time.perf_counter()
    mmsi, first, count = tracks.vessel_index
    p = tracks.pos
    kept = owners(part.tiles, p.lon[first], p.lat[first]) == part.tile.index
    found = stops(tracks.steps, cfg)
    return Survey(
        heard=mmsi,
        kept=mmsi[kept],
        positions=int(count[kept].sum()),
        stops=found[found["mmsi"].isin(mmsi[kept])].reset_index(drop=True),
        seconds=time.perf_counter() - clock,
        worker=worker,
    )


def rule_context(
    shared: Shared, coast: Coast, zones: gpd.GeoDataFrame, seen: np.ndarray
) -> RuleContext:
    """The rules' context for the vessels ``seen`` (heard, with every known vessel)."""
    cfg, vessels = shared.settings.rules, shared.vessels
    seen = np.union1d(seen, vessels.index.to_numpy(dtype=np.int64))
    return RuleContext(
        now_s=shared.now_s,
        since_s=shared.since_s,
        settings=cfg,
        port_area_m=shared.settings.port_area_radius_km * 1000,
        coast=coast,
        vessels=vessels,
        zones=zones,
        watchlisted=watchlist_matches(
            seen, vessels, shared.watchlist, cfg.watchlist_name_min_similarity_pct
        ),
        identities=shared.identities,
        open_gaps=shared.open_gaps,
        reception=shared.learnt.reception,
        anchorages=shared.learnt.anchorages,
        station_outages=shared.learnt.station_outages,
        detections=shared.detections,
        scenes=shared.scenes,
        leads=shared.leads,
    )


def run_rule(name: str, tracks: Tracks, ctx: RuleContext, tally: Counts) -> list[AlertRecord]:
    """One rule's findings that end in the window; a rule that fails is noted in ``tally``
    and the others go on."""
    clock = time.perf_counter()
    try:
        found = RULES[name](tracks, ctx)
    except Exception as exc:  # one broken rule must not stop the others
        log.exception("rule %s failed", name)
        tally.failed[name] = f"{type(exc).__name__}: {exc}"
        return []
    finally:
        tally.seconds[name] = tally.seconds.get(name, 0.0) + time.perf_counter() - clock
    found = [r for r in found if (ctx.now_s if r.end_s is None else r.end_s) >= ctx.since_s]
    tally.found[name] = tally.found.get(name, 0) + len(found)
    return found


def find(
    part: Part,
    tracks: Tracks,
    shared: Shared,
    geography: tuple[Coast, gpd.GeoDataFrame],
    worker: str = "",
) -> Found:
    """Phase 2: the tiled rules over the part's tracks; the findings its tile holds."""
    clock = time.perf_counter()
    ctx = rule_context(shared, *geography, tracks.vessel_index[0])
    tally, records = Tally(), []
    for name in [name for name in RULES if name not in WINDOWED]:
        found = run_rule(name, tracks, ctx, tally)
        where = owners(
            part.tiles, np.array([r.lon for r in found]), np.array([r.lat for r in found])
        )
        kept = [r for r, tile in zip(found, where, strict=True) if tile == part.tile.index]
        tally.found[name] = tally.found.get(name, 0) - len(found) + len(kept)
        records += kept
    return Found(records, tally, time.perf_counter() - clock, worker)


def window_rules(
    store: Store, read: tuple[datetime, datetime], ctx: RuleContext, tally: Counts
) -> list[AlertRecord]:
    """The rules that look at the whole window, each over the tracks of the vessels it
    names (read here, in one query each)."""
    records: list[AlertRecord] = []
    for name, reads in WINDOWED.items():
        vessels = reads(ctx)
        positions = (
            store.position_arrays(read, mmsi=vessels.tolist()) if len(vessels) else _no_positions()
        )
        records += run_rule(name, Tracks(positions, ctx.settings), ctx, tally)
    return records
