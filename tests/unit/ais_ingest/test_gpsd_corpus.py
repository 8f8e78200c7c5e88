"""The decoder against an independent one: GPSD's expected output for real AIS captures.

The captures and GPSD's answers live in the team's shared folder beside the repository
(``../shared/data/ais-samples``); they are read from there, never copied in.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ais_ingest.decode import decode_chunk
from ais_ingest.validate import mmsi_flags
from tests.builders.samples import shared_data, without_data

SAMPLES = shared_data("ais-samples")
ASSUMED = 1_586_295_590.0  # the captures carry no times of their own
POSITION_TYPES = {1, 2, 3, 18, 19, 27}

if not SAMPLES.is_dir():  # shown in the run's summary (-ra); a failure under CI
    without_data(SAMPLES)


def gpsd_records(check_file: Path) -> list[dict]:
    return [
        record
        for line in check_file.read_text(errors="replace").splitlines()
        if line.startswith("{") and (record := json.loads(line)).get("class") == "AIS"
    ]


def degrees(record: dict) -> tuple[float, float]:
    if record.get("scaled", True):
        return record["lon"], record["lat"]
    unit = 600.0 if record["type"] == 27 else 600_000.0
    return record["lon"] / unit, record["lat"] / unit


def expected_positions(records: list[dict]) -> set[tuple[int, float, float]]:
    kept = set()
    for record in records:
        if record["type"] not in POSITION_TYPES:
            continue
        lon, lat = degrees(record)
        _, reasons = mmsi_flags(np.array([record["mmsi"]]))
        if abs(lon) <= 180 and abs(lat) <= 90 and reasons[0] is None:
            places = 3 if record["type"] == 27 else 5
            kept.add((record["mmsi"], round(lon, places), round(lat, places)))
    return kept


CORPORA = [
    ("test_daemon_ais-nmea.log", "test_daemon_ais-nmea.log.chk"),
    ("test_daemon_ais-18-27.log", "test_daemon_ais-18-27.log.chk"),
    ("test_sample.aivdm", "test_sample.aivdm.js.chk"),
]


@pytest.mark.parametrize("capture, answers", CORPORA)
def test_positions_agree_with_gpsd(capture: str, answers: str) -> None:
    decoded = decode_chunk((SAMPLES / capture).read_bytes(), ASSUMED + 60, assume_ts=ASSUMED)
    ours = {
        (
            int(row.mmsi),
            round(row.lon, 3 if row.msg_type == 27 else 5),
            round(row.lat, 3 if row.msg_type == 27 else 5),
        )
        for row in decoded.positions.itertuples()
    }
    expected = expected_positions(gpsd_records(SAMPLES / answers))
    assert ours == expected
    assert len(ours) > 5


@pytest.mark.parametrize("capture, answers", CORPORA)
def test_identities_agree_with_gpsd(capture: str, answers: str) -> None:
    decoded = decode_chunk((SAMPLES / capture).read_bytes(), ASSUMED + 60, assume_ts=ASSUMED)
    # GPSD's answers for these captures carry the names of types 5 and 19 (not 24)
    ours = {
        (int(r.mmsi), r.name)
        for r in decoded.identities.itertuples()
        if isinstance(r.name, str) and r.msg_type in (5, 19)
    }
    expected = {
        (r["mmsi"], r["shipname"].strip("@ ").strip())
        for r in gpsd_records(SAMPLES / answers)
        if r["type"] in (5, 19)
        and r.get("shipname", "").strip("@ ")
        and mmsi_flags(np.array([r["mmsi"]]))[1][0] is None
    }
    assert ours == expected
