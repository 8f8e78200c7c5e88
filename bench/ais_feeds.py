"""Benchmark inputs of any shape: NMEA feeds (how many vessels, over how many days, what
share of static messages) and MarineCadastre-shaped CSV exports.

Each vessel reports at its own steady interval, as transponders do, and repeats its own
static data word for word; 5 % of the position reports are heard a second time by another
receiver. Everything is built with numpy, so a 10-million-message feed takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyais.encode import encode_dict

from ais_ingest.encode import encode_positions, tag_blocks

__all__ = ["Shape", "write_feed", "write_marinecadastre"]

START_S = 1_764_115_200  # 2025-11-26T00:00Z
DAY_S = 86_400
FIRST_MMSI = 431_000_000


@dataclass(frozen=True)
class Shape:
    """A feed's shape: ``messages`` AIS messages from ``vessels`` over ``days``, of which
    ``static_share`` are type 5 static and voyage data (two sentences each)."""

    name: str
    messages: int
    vessels: int
    days: float
    static_share: float = 0.04


def _steady_times(rng: np.random.Generator, vessels: int, each: int, span_s: float) -> np.ndarray:
    """``each`` times per vessel at its own steady interval over ``span_s`` (vessel-major)."""
    interval = span_s / each
    first = rng.uniform(0, interval, vessels).repeat(each)
    steps = np.tile(np.arange(each) * interval, vessels)
    return START_S + first + steps + rng.uniform(0, 1, vessels * each)


def _statics(vessels: int) -> list[bytes]:
    """Each vessel's type 5 message, its two sentences joined by a newline (without tags)."""
    out = []
    for k in range(vessels):
        mmsi = FIRST_MMSI + k
        first, second = encode_dict(
            {
                "type": 5,
                "mmsi": mmsi,
                "imo": 9_000_000 + k if k % 3 else 0,  # some ships give no IMO number
                "shipname": f"MARU {k}",
                "callsign": f"JA{k % 10000}",
                "ship_type": 70,
                "to_bow": 90,
                "to_stern": 20,
                "to_port": 8,
                "to_starboard": 8,
                "draught": 6.1,
                "destination": "HAKATA",
            },
            talker_id="AI",
            sentence_type="VDM",
            seq_id=k % 10,
        )
        out.append(first.encode())
        out.append(second.encode())
    return out


def write_feed(path: Path, shape: Shape, seed: int = 1) -> int:
    """Write a tag-blocked NMEA feed of ``shape``; returns the number of AIS messages."""
    rng = np.random.default_rng(seed)
    span_s = shape.days * DAY_S - 60
    per_vessel = max(1, round(shape.messages * (1 - shape.static_share) / 1.05 / shape.vessels))
    ts = _steady_times(rng, shape.vessels, per_vessel, span_s)
    mmsi = FIRST_MMSI + np.repeat(np.arange(shape.vessels), per_vessel)
    n = len(ts)
    msg_type = np.where(mmsi % 5 == 0, 18, rng.choice([1, 3], n))
    lines = encode_positions(
        msg_type,
        mmsi,
        129 + rng.uniform(0, 3, n),
        33 + rng.uniform(0, 2, n),
        rng.uniform(0, 20, n),
        rng.uniform(0, 359, n),
        rng.integers(0, 360, n).astype(float),
        (ts % 60).astype(int),
        np.zeros(n, dtype=int),
    )
    twice = np.flatnonzero(rng.random(n) < 0.05)
    static_each = max(1, round(shape.messages * shape.static_share / shape.vessels))
    static_ts = _steady_times(rng, shape.vessels, static_each, span_s)
    static_of = np.repeat(np.arange(shape.vessels), static_each)
    sentences = _statics(shape.vessels)
    when = np.concatenate([ts, ts[twice] + 0.3, static_ts])
    tags = tag_blocks(ts) + tag_blocks(ts[twice] + 0.3, b"rx2") + tag_blocks(static_ts)
    bodies = lines + [lines[i] for i in twice]
    out: list[bytes] = []
    for i in np.argsort(when, kind="stable").tolist():
        if i < len(bodies):
            out.append(tags[i] + bodies[i])
        else:
            vessel = int(static_of[i - len(bodies)])
            tag = tags[i]
            out.append(tag + sentences[2 * vessel])
            out.append(tag + sentences[2 * vessel + 1])
    path.write_bytes(b"\n".join(out) + b"\n")
    return n + len(twice) + len(static_ts)


_MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def write_marinecadastre(path: Path, rows: int, vessels: int = 2000, seed: int = 1) -> int:
    """Write a MarineCadastre-shaped CSV export of ``rows`` rows over one day; its rows."""
    rng = np.random.default_rng(seed)
    each = max(1, rows // vessels)
    ts = _steady_times(rng, vessels, each, DAY_S - 60)
    order = np.argsort(ts, kind="stable")
    vessel = np.repeat(np.arange(vessels), each)[order]
    times = np.datetime_as_string(ts[order].astype("datetime64[s]"), unit="s")
    n = len(ts)
    lat = np.char.mod("%.5f", 33 + rng.uniform(0, 2, n))
    lon = np.char.mod("%.5f", 129 + rng.uniform(0, 3, n))
    sog = np.char.mod("%.1f", rng.uniform(0, 20, n))
    cog = np.char.mod("%.1f", rng.uniform(0, 359, n))
    heading = rng.integers(0, 360, n).astype(str)
    mmsi = (367_000_000 + vessel).astype(str)
    statics = np.array(
        [
            f"MARU {k},IMO{9_000_000 + k},WDA{k:04d},70,0,120,20,7.1,70,{'AB'[k % 5 == 0]}"
            if k % 4
            else f",,,37,15,,,,,{'AB'[k % 5 == 0]}"  # craft that send no static data
            for k in range(vessels)
        ]
    )[vessel]
    body = [
        ",".join(fields)
        for fields in zip(mmsi, times, lat, lon, sog, cog, heading, statics, strict=True)
    ]
    path.write_text(_MC_HEADER + "\n" + "\n".join(body) + "\n")
    return n
