"""From simulated tracks to what receivers hear: NMEA lines with tag blocks, and truth.

Class A ships report every 10 s underway (6 s above 14 kn, 2 s above 23 kn) and every
3 min when still; Class B every 30 s; static data every 6 min. A coastal receiver hears
a report within 40 nm; a report heard by several receivers appears once per receiver
(duplicates), each after its own small delay (so slightly out of order); some reports are
lost; positions carry ~10 m of noise.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pyais.encode import encode_dict

from ais_ingest.encode import encode_positions, tag_blocks
from simulator.builder import RANGE_M, Scenario, Vessel
from simulator.motion import positions
from simulator.world import World
from surveillance.errors import InputError
from surveillance.times import iso_utc

__all__ = ["EmitStats", "write_scenario"]

LOSS = 0.03
STATIC_EVERY_S = 360.0


@dataclass
class EmitStats:
    vessels: int
    reports: int
    lines: int
    events: int


def _report_times(vessel: Vessel, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    if vessel.class_b:
        t = np.arange(scenario.start_s, scenario.end_s, 30.0)
        return t + rng.uniform(0, 30.0)
    coarse = np.arange(scenario.start_s, scenario.end_s, 60.0)
    _, sog, _ = positions(vessel.legs, coarse, rng)
    step = np.where(
        np.nan_to_num(sog) < 0.5, 180.0, np.where(sog > 23, 2.0, np.where(sog > 14, 6.0, 10.0))
    )
    times = [np.arange(t0, t0 + 60.0, s) for t0, s in zip(coarse, step, strict=True) if s < 60]
    still = coarse[step >= 60]
    still = still[((still - scenario.start_s) % 180.0) < 60.0]
    out = np.concatenate([*times, still]) if times else still
    return np.sort(out + rng.uniform(0, 1.0, len(out)))


def _hear(xy: np.ndarray, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """(report index, receiver index) pairs of what the receivers hear."""
    distance = np.linalg.norm(xy[:, None, :] - scenario.receivers_m[None, :, :], axis=2)
    heard = (distance <= RANGE_M) & (rng.random(distance.shape) > LOSS)
    return np.argwhere(heard)


Fields = dict[str, str | int | float | bytes | bool]


def _static_lines(vessel: Vessel) -> list[bytes]:
    """The vessel's static message(s): type 24 A and B for Class B, type 5 otherwise."""
    beam = {"to_port": vessel.beam_m // 2, "to_starboard": vessel.beam_m - vessel.beam_m // 2}
    if vessel.class_b:
        part_a: Fields = {"type": 24, "mmsi": vessel.mmsi, "partno": 0, "shipname": vessel.name}
        part_b: Fields = {
            "type": 24,
            "mmsi": vessel.mmsi,
            "partno": 1,
            "ship_type": vessel.ship_type,
            "callsign": f"JD{vessel.mmsi % 10000}",
            "to_bow": vessel.length_m - 2,
            "to_stern": 2,
            **beam,
        }
        return [
            encode_dict(f, talker_id="AI", sentence_type="VDM")[0].encode()
            for f in (part_a, part_b)
        ]
    data: Fields = {
        "type": 5,
        "mmsi": vessel.mmsi,
        "shipname": vessel.name,
        "ship_type": vessel.ship_type,
        "callsign": vessel.callsign or f"J{vessel.mmsi % 100000}",
        "imo": vessel.imo or 9_000_000 + vessel.mmsi % 999_999,
        "to_bow": vessel.length_m - 20,
        "to_stern": 20,
        "draught": 8.0,
        "destination": "SEA",
        **beam,
    }
    parts = encode_dict(data, talker_id="AI", sentence_type="VDM", seq_id=vessel.mmsi % 10)
    return [b"\n".join(p.encode() for p in parts)]  # two fragments stay together


def write_scenario(
    scenario: Scenario, world: World, out_dir: Path, rng: np.random.Generator
) -> EmitStats:
    """Write ``feed.nmea`` (every receiver, in order of reception) and ``truth.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    records: list[tuple[np.ndarray, ...]] = []
    statics: list[tuple[float, int, bytes]] = []
    reports = 0
    for vessel in scenario.vessels:
        t = _report_times(vessel, scenario, rng)
        xy, sog, cog = positions(vessel.legs, t, rng)
        on = ~np.isnan(xy[:, 0])
        for off_from, off_to in vessel.dark:
            on &= ~((t >= off_from) & (t < off_to))
        where = xy.copy()  # receivers hear the transmitter where it is, not where it claims
        for j_from, j_to, shift in vessel.jumps:
            xy[(t >= j_from) & (t < j_to)] += shift
        t, xy, where, sog, cog = t[on], xy[on], where[on], sog[on], cog[on]
        if not len(t):
            continue
        xy = xy + rng.normal(0, 10, xy.shape)
        lon, lat = world.lonlat(xy)
        inside = (lon >= world.aoi.bbox_deg[0]) & (lon <= world.aoi.bbox_deg[2])
        inside &= (lat >= world.aoi.bbox_deg[1]) & (lat <= world.aoi.bbox_deg[3])
        pairs = _hear(where, scenario, rng)
        pairs = pairs[inside[pairs[:, 0]]]
        reports += int(inside.sum())
        k, rx = pairs[:, 0], pairs[:, 1]
        delay = rng.uniform(0.05, 1.5, len(k))
        still = np.nan_to_num(sog[k]) < 0.5
        records.append(
            (
                t[k] + delay,
                rx,
                np.full(len(k), vessel.mmsi),
                np.full(len(k), 18 if vessel.class_b else 1),
                lon[k],
                lat[k],
                np.round(sog[k], 1),
                np.round(cog[k], 1),
                np.where(vessel.class_b, np.nan, np.round(cog[k])),
                np.floor(t[k] % 60).astype(int),
                np.where(still, 1, 0),
            )
        )
        lines = _static_lines(vessel)
        for when in np.arange(t[0], t[-1], STATIC_EVERY_S):
            heard = _hear(where[[np.searchsorted(t, when).clip(0, len(t) - 1)]], scenario, rng)
            for _, receiver in heard:
                for line in lines:
                    statics.append(
                        (float(when) + float(rng.uniform(0.05, 1.5)), int(receiver), line)
                    )
    if not records:
        raise InputError("no simulated report falls inside the area of operations")
    columns = [np.concatenate(c) for c in zip(*records, strict=True)]
    recv, rx, mmsi, msg_type, lon, lat, sog, cog, heading, second, status = columns
    sentences = encode_positions(msg_type, mmsi, lon, lat, sog, cog, heading, second, status)
    tags = np.empty(len(recv), dtype=object)
    for r, name in enumerate(scenario.receiver_names):
        mine = np.flatnonzero(rx == r)
        tags[mine] = tag_blocks(recv[mine], name.encode())
    timed = list(
        zip(recv.tolist(), (t + s for t, s in zip(tags, sentences, strict=True)), strict=True)
    )
    for when, receiver, line in statics:
        (tag,) = tag_blocks(np.array([when]), scenario.receiver_names[receiver].encode())
        timed.append((when, tag + line))
    timed.sort(key=lambda pair: pair[0])
    with open(out_dir / "feed.nmea", "wb") as feed:
        for _, line in timed:
            feed.write(line + b"\n")
    (out_dir / "truth.json").write_text(json.dumps(_truth(scenario), indent=1))
    with open(out_dir / "watchlist.csv", "w", newline="") as listed:
        writer = csv.DictWriter(listed, fieldnames=["kind", "value", "note"])
        writer.writeheader()
        writer.writerows(scenario.watchlist)
    return EmitStats(
        len({v.mmsi for v in scenario.vessels}), reports, len(timed), len(scenario.truth)
    )


def _truth(scenario: Scenario) -> dict[str, object]:
    return {
        "start": iso_utc(scenario.start_s),
        "end": iso_utc(scenario.end_s),
        "events": _in_iso(scenario.truth),
        "skipped_events": scenario.skipped_events,
        "lookalikes": _in_iso(scenario.lookalikes),
        "receivers": scenario.receiver_names,
        "scenes": scenario.scenes,
        "drones": scenario.drones,
        "leads": scenario.leads,
    }


def _in_iso(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Truth entries with their times in ISO 8601."""
    return [{**e, "start": iso_utc(e["start"]), "end": iso_utc(e["end"])} for e in entries]
