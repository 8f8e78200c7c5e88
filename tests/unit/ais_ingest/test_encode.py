"""The vectorized position encoder: pyais decodes every sentence to the values put in."""

import numpy as np
import pyais
import pytest

from ais_ingest.encode import encode_positions, tag_blocks
from tests.builders.nmea import checksum


def test_pyais_reads_back_every_field() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    msg_type = rng.choice([1, 2, 3, 18], n)
    mmsi = rng.integers(200_000_000, 800_000_000, n)
    lon, lat = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    sog = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 102.2, n))
    cog = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 359.9, n))
    heading = np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 360, n))
    second, status = rng.integers(0, 60, n), rng.integers(0, 15, n)
    lines = encode_positions(msg_type, mmsi, lon, lat, sog, cog, heading, second, status)
    for i, line in enumerate(lines):
        message = pyais.decode(line)
        assert (message.msg_type, message.mmsi, message.second) == (msg_type[i], mmsi[i], second[i])
        assert (message.lon, message.lat) == pytest.approx((lon[i], lat[i]), abs=1e-5)
        assert message.speed == (102.3 if np.isnan(sog[i]) else pytest.approx(sog[i], abs=0.1))
        assert message.course == (360.0 if np.isnan(cog[i]) else pytest.approx(cog[i], abs=0.1))
        assert message.heading == (511 if np.isnan(heading[i]) else heading[i])
        if msg_type[i] != 18:
            assert int(message.status) == status[i]


def test_tag_blocks_carry_time_and_a_valid_checksum() -> None:
    (block,) = tag_blocks(np.array([1_764_194_400]), b"rx7")
    body = "s:rx7,c:1764194400"
    assert block == f"\\{body}*{checksum(body)}\\".encode()
