"""AIS files into a real store: idempotent, bad lines quarantined, fragments across chunks."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from ais_ingest import files
from ais_ingest.pipeline import ingest_files
from alerts.rules import identity_anomaly
from alerts.tracks import Tracks
from surveillance.rule_settings import RuleSettings
from surveillance.store import Store
from tests.builders.clock import HOUR_S, MIDNIGHT, MIDNIGHT_S, T0_S
from tests.builders.nmea import position, static, tagged
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
