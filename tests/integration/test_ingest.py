"""AIS files into a real store: idempotent, bad lines quarantined, fragments across chunks."""

from __future__ import annotations

import gzip
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from ais_ingest import files
from ais_ingest.decode import MAX_RAW_BYTES, decode_chunk
from ais_ingest.pipeline import ingest_files
from ais_ingest.validate import mmsi_flags
from alerts.rules import identity_anomaly
from alerts.tracks import Tracks
from surveillance.rule_settings import RuleSettings
from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.clock import HOUR_S, MIDNIGHT, MIDNIGHT_S, T0_S
from tests.builders.nmea import checksum, position, static, tagged, uscg
from tests.builders.samples import shared_data, without_data
from tests.builders.tracks import context


def write_feed(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def traffic(vessels: int = 20, reports: int = 30) -> list[str]:
    lines = []
    for k in range(reports):
        for v in range(vessels):
            lines.append(
                tagged(
                    position(
                        mmsi=431000000 + v, lon=130 + v / 100 + k / 1000, lat=34.0, second=k % 60
                    ),
                    T0_S + 10 * k,
                )
            )
    for v in range(vessels):
        lines += [tagged(s, T0_S) for s in static(mmsi=431000000 + v, name=f"MARU {v}")]
    return lines


def test_a_file_loads_once_however_often_it_is_ingested(store: Store, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.nmea", traffic())
    first = ingest_files([feed], store, workers=2, now_s=T0_S + 3600)
    assert (first.positions, first.vessels) == (600, 20)
    assert first.partitions_built == ["ais_positions_20261126"]
    again = ingest_files([feed], store, workers=1, now_s=T0_S + 3600)
    assert again.positions == 0
    counts = store.table_counts()
    assert (counts["ais_positions"], counts["vessels"], counts["vessel_identities"]) == (
        600,
        20,
        20,
    )
    assert store.vessels([431000007]).iloc[0]["name"] == "MARU 7"
    assert store.vessels([431000007]).iloc[0]["flag"] == "JP"


def test_gzipped_files_are_read(store: Store, tmp_path: Path) -> None:
    plain = write_feed(tmp_path / "feed.nmea", traffic(vessels=3, reports=5))
    packed = tmp_path / "feed.nmea.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert ingest_files([packed], store, now_s=T0_S + 3600).positions == 15


def test_bad_lines_are_counted_and_quarantined_and_the_rest_stored(
    store: Store, tmp_path: Path
) -> None:
    good = traffic(vessels=2, reports=3)
    lost_first, _ = static(mmsi=431000099, seq_id=5)
    bad = [
        tagged(position()[:-2] + "00", T0_S),  # bad checksum
        "!AIVDM,1,1,,A,15RTgt",  # malformed
        tagged(position(mmsi=431000098, lon=181, lat=91), T0_S),  # not available
        tagged(position(mmsi=42), T0_S),  # invalid MMSI
        position(mmsi=431000097),  # no time
        tagged(lost_first, T0_S),  # its second fragment never comes
    ]
    feed = write_feed(tmp_path / "mixed.nmea", good[:3] + bad + good[3:])
    stats = ingest_files([feed], store, now_s=T0_S + 3600)
    assert stats.positions == 6
    assert dict(stats.rejected) == {
        "bad_checksum": 1,
        "malformed_sentence": 1,
        "position_not_available": 1,
        "invalid_mmsi": 1,
        "no_timestamp": 1,
        "lost_fragment": 1,
    }
    with store.engine.connect() as conn:
        kept = dict(conn.execute(text("SELECT reason, raw FROM quarantine")).all())
    assert set(kept) == set(stats.rejected)
    assert kept["malformed_sentence"] == "!AIVDM,1,1,,A,15RTgt"


def test_messages_split_across_chunk_edges_are_reassembled(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = []
    for v in range(40):
        lines += [
            tagged(s, T0_S) for s in static(mmsi=431000000 + v, name=f"SHIP {v}", seq_id=v % 10)
        ]
        lines.append(tagged(position(mmsi=431000000 + v), T0_S + v))
    feed = write_feed(tmp_path / "split.nmea", lines)
    monkeypatch.setattr(files, "CHUNK_BYTES", 700)  # a few lines a chunk
    stats = ingest_files([feed], store, workers=2, now_s=T0_S + 3600)
    assert stats.rejected == {} and stats.positions == 40
    assert store.table_counts()["vessels"] == 40


def test_a_missing_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    from surveillance.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        ingest_files([tmp_path / "absent.nmea"], store)


@pytest.mark.parametrize("delay_s", [0, 1], ids=["same second", "next second"])
def test_a_report_heard_twice_across_a_chunk_edge_is_stored_once(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delay_s: int
) -> None:
    lines = []
    for v in range(30):
        report = position(mmsi=431000000 + v)
        lines += [tagged(report, T0_S + v, "rx1"), tagged(report, T0_S + v + delay_s, "rx2")]
    feed = write_feed(tmp_path / "twice.nmea", lines)
    monkeypatch.setattr(files, "CHUNK_BYTES", 500)  # pairs fall apart at many edges
    stats = ingest_files([feed], store, workers=2, now_s=T0_S + 3600)
    assert stats.positions == 30 and store.table_counts()["ais_positions"] == 30


# Real captures from public projects, and a damaged simulated day: formats, times, noise.

REAL = shared_data("ais-real")
GPSD = shared_data("ais-samples")
POSITION_TYPES = {1, 2, 3, 18, 19, 27}
REAL_NOW_S = 1_800_000_000.0


def pyais_positions(path: Path) -> set[tuple[int, float, float]]:
    """What pyais decodes from ``path`` as valid positions: (mmsi, lon, lat), but for
    sentences without a checksum that holds, which pyais decodes and we refuse."""
    from pyais.stream import FileReaderStream

    kept = set()
    for message in FileReaderStream(str(path)):
        body, _, stated = message.raw.decode()[1:].partition("*")
        if checksum(body) != stated[:2]:
            continue
        try:
            data = message.decode().asdict()
        except Exception:  # pyais refuses the message: so do we, with a reason
            continue
        if data["msg_type"] not in POSITION_TYPES or data["lat"] is None:
            continue
        lon, lat = float(data["lon"]), float(data["lat"])
        _, reasons = mmsi_flags(np.array([data["mmsi"]]))
        if abs(lon) <= 180 and abs(lat) <= 90 and reasons[0] is None:
            kept.add((int(data["mmsi"]), float(np.round(lon, 4)), float(np.round(lat, 4))))
    return kept


def stored_positions(store: Store) -> pd.DataFrame:
    frame = store.positions()
    return pd.DataFrame(
        {
            "mmsi": frame["mmsi"].astype(int),
            "lon": frame.geometry.x.round(4),
            "lat": frame.geometry.y.round(4),
            "ts": [t.timestamp() for t in frame["ts"]],
        }
    )


@pytest.mark.parametrize(
    "name, first_day, last_day",
    [
        ("libais__test.aivdm", "2010-04-28", "2010-04-28"),  # USCG NAIS trailers
        ("pyais__timestamped.ais", "2008-05-09", "2020-04-07"),  # GateHouse $PGHP headers
        ("pyais__mixed.txt", "2008-05-09", "2020-04-07"),  # all of them in one file
        ("pyais__nmea_data_sample.txt", "2020-04-07", "2020-04-07"),  # no times at all
    ],
)
def test_every_real_capture_ingests_with_its_real_times(
    store: Store, name: str, first_day: str, last_day: str
) -> None:
    path = REAL / name
    if not path.is_file():
        without_data(path)
    assumed = datetime(2020, 4, 7, 21, 39, 50, tzinfo=UTC).timestamp()
    stats = ingest_files([path], store, assume_ts=assumed, workers=1, now_s=REAL_NOW_S)
    stored = stored_positions(store)
    assert stats.positions == len(stored) > 0
    assert set(zip(stored["mmsi"], stored["lon"], stored["lat"], strict=True)) == (
        pyais_positions(path)
    )
    days = pd.to_datetime(stored["ts"], unit="s", utc=True).dt.strftime("%Y-%m-%d")
    assert (days.min(), days.max()) == (first_day, last_day)


def gpsd_answers(check_file: Path) -> list[int]:
    """The MMSI of each valid position GPSD decodes from a capture, in the capture's order
    (its answer follows each sentence in the check file)."""
    answers, after_sentence = [], False
    for line in check_file.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if after_sentence and record.get("type") in POSITION_TYPES:
                unit = 1.0 if record.get("scaled", True) else 600_000.0
                lon, lat = record["lon"] / unit, record["lat"] / unit
                _, reasons = mmsi_flags(np.array([record["mmsi"]]))
                if abs(lon) <= 180 and abs(lat) <= 90 and reasons[0] is None:
                    answers.append(record["mmsi"])
            after_sentence = False
        else:
            after_sentence = "VDM" in line or "VDO" in line
    return answers


def test_a_log_without_times_keeps_every_report_in_order(
    coastwatch: Coastwatch, store: Store
) -> None:
    capture = GPSD / "test_daemon_ais-nmea.log"
    if not capture.is_file():
        without_data(capture)
    ran = coastwatch("ingest", "ais", str(capture), "--assume-time", "2020-04-07T21:39:50Z")
    assert ran.code == 0
    stored = stored_positions(store).sort_values("ts")
    answers = gpsd_answers(GPSD / "test_daemon_ais-nmea.log.chk")
    assert len(answers) > 100
    assert list(stored["mmsi"]) == answers  # every report, in the capture's order
    assert stored["ts"].is_unique


def damaged_copy(lines: list[bytes], rng: random.Random) -> tuple[list[bytes], list[bytes]]:
    """(a damaged copy, its intact lines): a few bytes flipped or a line cut on one line
    in five, binary junk and NUL bytes between, and a few lines of 400 kB."""
    damaged, intact = [], []
    for line in lines:
        roll = rng.random()
        if roll < 0.01:
            damaged.append(b"!AIVDM," + bytes([48 + rng.randrange(40)]) * 400_000)
        elif roll < 0.05:
            damaged.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 120))))
        if roll < 0.2:
            broken = bytearray(line)
            for _ in range(rng.randrange(1, 4)):
                broken[rng.randrange(len(broken))] = rng.randrange(256)
            if rng.random() < 0.3:
                del broken[rng.randrange(len(broken)) :]
            if bytes(broken) != line:
                damaged.append(bytes(broken).replace(b"\n", b"\x00"))
                continue
        damaged.append(line)
        intact.append(line)
    return damaged, intact


def test_a_damaged_day_ingests_and_keeps_every_intact_report(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    ran = coastwatch("simulate", "--out", str(tmp_path / "day"), "--vessels", "20")
    assert ran.code == 0
    lines = (tmp_path / "day" / "feed.nmea").read_bytes().splitlines()[:20_000]
    damaged, intact = damaged_copy(lines, random.Random(10))
    path = tmp_path / "damaged.nmea"
    path.write_bytes(b"\n".join(damaged) + b"\n")
    ran = coastwatch("ingest", "ais", str(path))
    assert ran.code == 0 and "Traceback" not in ran.stdout + ran.stderr
    expected = decode_chunk(b"\n".join(intact) + b"\n", time.time()).positions
    assert len(expected) > 10_000
    stored = stored_positions(store)
    kept = set(zip(stored["mmsi"], stored["ts"].round(3), strict=True))
    wanted = set(zip(expected["mmsi"], expected["ts"].round(3), strict=True))
    assert wanted <= kept
    with store.engine.connect() as conn:
        reasons = dict(
            conn.execute(text("SELECT reason, count(*) FROM quarantine GROUP BY 1")).all()
        )
        longest = conn.execute(text("SELECT max(length(raw)) FROM quarantine")).scalar()
    assert {"bad_checksum", "malformed_sentence", "bad_tag_checksum"} <= set(reasons)
    assert longest <= MAX_RAW_BYTES


@pytest.mark.parametrize("delay_s", [0, 1], ids=["same second", "next second"])
def test_a_file_with_reports_heard_twice_across_chunk_edges_loads_once_when_loaded_twice(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delay_s: int
) -> None:
    lines = []
    for v in range(30):
        report = position(mmsi=431000000 + v)
        lines += [tagged(report, T0_S + v, "rx1"), tagged(report, T0_S + v + delay_s, "rx2")]
    feed = write_feed(tmp_path / "twice.nmea", lines)
    monkeypatch.setattr(files, "CHUNK_BYTES", 500)
    ingest_files([feed], store, workers=2, now_s=T0_S + 3600)  # bulk: a new partition
    again = ingest_files([feed], store, workers=2, now_s=T0_S + 3600)  # merged into it
    assert again.positions == 0 and store.table_counts()["ais_positions"] == 30


def _twins(start_s: float, minutes: int) -> list[str]:
    """One MMSI sent by two ships 90 km apart, both reporting in the same seconds."""
    return [
        tagged(position(mmsi=431000001, lon=lon, lat=33.5, second=k % 60), start_s + 60 * k)
        for k in range(minutes)
        for lon in (131.5, 132.5)
    ]


def test_two_ships_on_one_mmsi_are_both_stored_in_full_and_flagged(
    store: Store, tmp_path: Path
) -> None:
    first = write_feed(tmp_path / "first.nmea", _twins(MIDNIGHT_S + HOUR_S, 60))
    later = write_feed(tmp_path / "later.nmea", _twins(MIDNIGHT_S + 2 * HOUR_S, 60))
    built = ingest_files([first], store, workers=1, now_s=MIDNIGHT_S + 6 * HOUR_S)
    merged = ingest_files([later], store, workers=1, now_s=MIDNIGHT_S + 6 * HOUR_S)
    assert (built.positions, merged.positions) == (120, 120)
    assert built.partitions_built == ["ais_positions_20261127"] and merged.partitions_built == []
    again = ingest_files([first, later], store, workers=1, now_s=MIDNIGHT_S + 6 * HOUR_S)
    assert again.positions == 0
    arrays = store.position_arrays((MIDNIGHT, MIDNIGHT + timedelta(hours=4)))
    assert dict(zip(*np.unique(np.round(arrays.lon, 1), return_counts=True), strict=True)) == {
        131.5: 120,
        132.5: 120,
    }
    (alert,) = identity_anomaly.detect(Tracks(arrays, RuleSettings()), context(now_h=4))
    assert alert.evidence["kind"] == "mmsi_in_two_places"


def test_each_position_keeps_the_station_that_heard_it(store: Store, tmp_path: Path) -> None:
    """Tag-block ``s:`` and USCG ``b``/``r`` stations end up in the store; none gives NULL."""
    lines = [
        tagged(position(mmsi=431000001, lon=130.0, lat=34.0, second=1), T0_S, station="hakata"),
        uscg(position(mmsi=431000002, lon=130.1, lat=34.0, second=2), T0_S + 1, "b003669794"),
        f"{T0_S + 2} " + position(mmsi=431000003, lon=130.2, lat=34.0, second=3),
    ]
    ingest_files([write_feed(tmp_path / "mixed.nmea", lines)], store, now_s=T0_S + 3600)
    stored = store.positions().set_index("mmsi")["station"]
    assert stored[431000001] == "hakata"
    assert stored[431000002] == "b003669794"
    assert pd.isna(stored[431000003])
