"""The parse step of a positions archive: Arrow batches in, the ingest contract's frame out."""

from __future__ import annotations

import pyarrow as pa
import pytest
import shapely

from ais_ingest.parquet import ArchiveParse, ArchiveRows
from tests.builders.clock import T0, T0_S


def batch(wkb: list[bytes | None], **columns: pa.Array) -> pa.RecordBatch:
    """Reports of one ship a second apart from T0, with these geometries."""
    times = [T0.replace(second=k) for k in range(len(wkb))]
    return pa.record_batch(
        {
            "mmsi": pa.array([431000001] * len(wkb), pa.int64()),
            "ts": pa.array(times, pa.timestamp("us", tz="UTC")),
            "geom": pa.array(wkb, pa.binary()),
            **columns,
        }
    )


def parsed(*batches: pa.RecordBatch) -> list[ArchiveRows]:
    return list(ArchiveParse(now_s=T0_S + 3600)(iter(batches)))


POINTS = shapely.points([130.0, 130.5], [34.0, 34.25])


@pytest.mark.parametrize("byte_order", ["little", "big"])
def test_points_are_read_in_either_byte_order(byte_order: str) -> None:
    wkb = shapely.to_wkb(POINTS, byte_order=0 if byte_order == "big" else 1).tolist()
    (rows,) = parsed(batch(wkb))
    assert rows.positions[["lon", "lat"]].values.tolist() == [[130.0, 34.0], [130.5, 34.25]]
    assert rows.positions["ts"].tolist() == [T0_S, T0_S + 1]


def test_a_missing_point_is_a_reject_and_the_rest_is_kept() -> None:
    wkb = [*shapely.to_wkb(POINTS).tolist(), None]
    (rows,) = parsed(batch(wkb))
    assert len(rows.positions) == 2
    assert rows.rejects["reason"].tolist() == ["position_out_of_range"]
    assert rows.counts["archive_rows"] == 3


def test_report_hashes_are_kept_when_the_file_has_them_and_made_when_not() -> None:
    wkb = shapely.to_wkb(POINTS).tolist()
    (kept,) = parsed(batch(wkb, report_hash=pa.array([11, 12], pa.int64())))
    assert kept.positions["key_hash"].tolist() == [11, 12]
    (made,) = parsed(batch(wkb))
    (again,) = parsed(batch(wkb))
    hashes = made.positions["key_hash"].tolist()
    assert hashes == again.positions["key_hash"].tolist() and len(set(hashes)) == 2
    assert made.positions["station"].isna().all()
