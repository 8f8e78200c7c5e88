"""Real captures, damaged at run time with a seeded generator (no damaged copy is kept):
every position on an intact line decodes as it does from the intact lines alone."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ais_ingest.decode import decode_chunk
from tests.builders.samples import shared_data, without_data

ASSUMED = 1_586_295_590.0  # for the captures that carry no times of their own
NOW = 1_800_000_000.0
CAPTURES = [
    ("ais-real", "libais__test.aivdm"),
    ("ais-real", "pyais__mixed.txt"),
    ("ais-real", "pyais__nmea_data_sample.txt"),
    ("ais-real", "pyais__timestamped.ais"),
    ("ais-samples", "test_daemon_ais-nmea.log"),
    ("ais-samples", "test_daemon_ais-18-27.log"),
    ("ais-samples", "test_sample.aivdm"),
]


def damage(lines: list[bytes], rng: random.Random) -> tuple[list[bytes], list[bytes]]:
    """(the damaged file's lines, the lines left intact): a third of the lines get a
    flipped byte, a cut, a NUL or a byte that is not UTF-8; junk lines and a 400 kB line
    are put in between."""
    damaged, intact = [], []
    for line in lines:
        if rng.random() < 0.1:
            damaged.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))))
        if line and rng.random() < 1 / 3:
            at = rng.randrange(len(line))
            kind = rng.choice(["flip", "cut", "nul", "latin"])
            if kind == "cut":
                broken = line[:at]
            else:
                byte = {"flip": rng.randrange(256), "nul": 0, "latin": 0xE9}[kind]
                broken = line[:at] + bytes([byte]) + line[at + 1 :]
            if broken != line:
                damaged.append(broken.replace(b"\n", b""))
                continue
        damaged.append(line)
        intact.append(line)
    damaged.insert(len(damaged) // 2, b"!AIVDM," + b"7" * 400_000)
    return damaged, intact


def reports(lines: list[bytes]) -> set[tuple[int, int, float, float]]:
    decoded = decode_chunk(b"\n".join(lines) + b"\n", NOW, assume_ts=ASSUMED)
    frame = decoded.positions
    return set(zip(frame["mmsi"], frame["msg_type"], frame["lon"], frame["lat"], strict=True))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("corpus, name", CAPTURES, ids=[name for _, name in CAPTURES])
def test_damage_costs_no_intact_report(corpus: str, name: str, seed: int) -> None:
    path: Path = shared_data(corpus) / name
    if not path.is_file():
        without_data(path)
    lines = path.read_bytes().splitlines()
    damaged, intact = damage(lines, random.Random(seed))
    expected = reports(intact)
    assert expected, "the intact lines hold positions"
    assert expected <= reports(damaged)
