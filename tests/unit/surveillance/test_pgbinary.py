"""The positions' binary COPY form: the report hash of frames without a payload, the station."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from surveillance.store.pgbinary import HEADER, TRAILER, encode_positions, report_hashes


def frame(**columns: list[object]) -> pd.DataFrame:
    """Reports of one vessel at one time; ``columns`` override or add fields."""
    n = len(next(iter(columns.values()))) if columns else 1
    base: dict[str, list[object]] = {
        "mmsi": [431000001] * n,
        "ts": [1_764_115_200.0] * n,
        "lon": [130.0] * n,
        "lat": [34.0] * n,
        "sog_knots": [8.5] * n,
        "cog_deg": [90.0] * n,
        "heading_deg": [91.0] * n,
        "nav_status": [0.0] * n,
        "msg_type": [1.0] * n,
    }
    return pd.DataFrame({**base, **columns})


def test_a_frame_with_key_hashes_keeps_them() -> None:
    assert report_hashes(frame(key_hash=[7, -3])).tolist() == [7, -3]


def test_reports_differing_in_any_field_or_time_hash_apart() -> None:
    hashes = report_hashes(
        frame(
            lon=[130.0, 130.001, 130.0, 130.0, 130.0],
            mmsi=[431000001, 431000001, 431000002, 431000001, 431000001],
            sog_knots=[8.5, 8.5, 8.5, np.nan, 8.5],
            ts=[0.0, 0.0, 0.0, 0.0, 60.0],
        )
    )
    assert len(set(hashes.tolist())) == 5


def test_values_the_store_keeps_alike_hash_alike() -> None:
    # speed is stored as float4, time to the microsecond, and -0.0 is 0.0
    hashes = report_hashes(
        frame(sog_knots=[8.5, 8.500000001], cog_deg=[0.0, -0.0], ts=[1.0, 1.0000000001])
    )
    assert hashes[0] == hashes[1]


def test_the_hash_is_the_same_in_another_process() -> None:
    code = (
        "import pandas as pd; from surveillance.store.pgbinary import report_hashes; "
        "print(report_hashes(pd.DataFrame({'mmsi': [431000001], 'ts': [1_764_115_200.0], "
        "'lon': [130.0], 'lat': [34.0],"
        " 'sog_knots': [8.5], 'cog_deg': [float('nan')], 'heading_deg': [91.0], "
        "'nav_status': [0.0], 'msg_type': [1.0]}))[0])"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = report_hashes(frame(cog_deg=[np.nan]))[0]
    assert int(there.stdout) == here


def test_stations_of_any_length_or_none_make_rows_of_their_own_width() -> None:
    stations = ["rx1", None, "a-much-longer-station-name", "", "x" * 80, "rx1"]
    encoded = encode_positions(frame(station=stations), "feed.nmea")
    body = encoded[len(HEADER) : -len(TRAILER)]
    without = encode_positions(frame(station=[None] * 6), "feed.nmea")[len(HEADER) : -2]
    # each named station adds its bytes (at most 64 characters) to the six NULL rows' size
    assert len(body) - len(without) == 3 + 26 + 64 + 3
    assert b"a-much-longer-station-name" in body and b"x" * 65 not in body
