"""Type 5 static data decoded vectorized: record for record what pyais's decoding gives."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyais

from ais_ingest.decode import decode_chunk
from ais_ingest.slowdecode import _templates_of
from surveillance.vocabulary import IDENTITY_FIELDS
from tests.builders.clock import T0_S
from tests.builders.nmea import checksum, feed, sentences, tagged

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -@"


def random_static(rng: random.Random) -> dict[str, object]:
    def text(longest: int) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, longest + 1)))

    return {
        "type": 5,
        "mmsi": rng.randrange(431_000_000, 432_000_000),  # Japan: a valid MID
        "imo": rng.choice([0, rng.randrange(1_000_000, 9_999_999)]),
        "callsign": text(7),
        "shipname": text(20),
        "ship_type": rng.choice([0, 30, 37, 70, 89]),
        "to_bow": rng.randrange(0, 512),
        "to_stern": rng.choice([0, rng.randrange(0, 512)]),
        "to_port": rng.randrange(0, 64),
        "to_starboard": rng.randrange(0, 64),
        "draught": rng.choice([0, rng.randrange(1, 256) / 10]),
        "destination": text(20),
    }


def as_expected(value: object) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def test_statics_decode_as_pyais_decodes_them() -> None:
    rng = random.Random(5)
    messages = [random_static(rng) for _ in range(300)]
    lines = []
    for k, message in enumerate(messages):
        lines += [tagged(s, T0_S + k) for s in sentences(message, seq_id=k % 10)]
    decoded = decode_chunk(feed(*lines), T0_S + 3600)
    got = decoded.identities.sort_values("ts").reset_index(drop=True)
    assert len(got) == 300 and decoded.counts["type_5"] == 300
    for k, message in enumerate(messages):
        parts = [s.encode() for s in sentences(message, seq_id=k % 10)]
        payload = b"".join(p.split(b",")[5] for p in parts)
        ((_, expected),) = _templates_of(pyais.decode(*parts).asdict(), payload)
        row = got.iloc[k]
        assert row["mmsi"] == expected["mmsi"]
        for field in IDENTITY_FIELDS:
            assert as_expected(row[field]) == as_expected(expected[field]), (k, field)


def test_a_static_split_otherwise_still_decodes() -> None:
    message = random_static(random.Random(1))
    first, second = sentences(message, seq_id=3)
    body, tail = first.split(",")[5], second.split(",")[5]
    # the same 71 characters, split 50 + 21 (some transmitters do)
    moved = body[50:]
    first = first.replace(body, body[:50])
    second = second.replace(f",{tail},", f",{moved}{tail},")

    def fixed(sentence: str) -> str:
        core = sentence[1 : sentence.index("*")]
        return f"!{core}*{checksum(core)}"

    decoded = decode_chunk(feed(tagged(fixed(first), T0_S), tagged(fixed(second), T0_S)), T0_S + 60)
    assert decoded.counts["type_5"] == 1
    assert pd.notna(decoded.identities["mmsi"]).all()
