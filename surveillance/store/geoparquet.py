"""A table of the store as one GeoParquet file, streamed in batches (bounded memory):
``COPY .. TO STDOUT`` in CSV, parsed by pyarrow's streaming reader, written a row group
at a time by ``ParquetWriter``.

The columns come from the table itself, whatever its schema (a migration that adds a column
adds it to the archive). Geometry goes as WKB with GeoParquet 1.0 metadata, which
geopandas, DuckDB and QGIS read; times as UTC microseconds. The file is written under a
temporary name, its row count read back, and only then renamed into place.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq
from psycopg import sql
from sqlalchemy import Connection

from surveillance.errors import InputError, StoreError

__all__ = [
    "ARCHIVE_KEY",
    "TableColumn",
    "archive_metadata",
    "table_columns",
    "write_table",
]

#: The key of the Parquet metadata that tells a Coastwatch archive (JSON: table, day, rows).
ARCHIVE_KEY = b"coastwatch"
BATCH_BYTES = 16 << 20  # of CSV per batch (about 200,000 positions)

#: PostgreSQL type -> Arrow type of the column, for types that travel as they are.
_PLAIN = {
    "int8": pa.int64(),
    "int4": pa.int32(),
    "int2": pa.int16(),
    "float4": pa.float32(),
    "float8": pa.float64(),
    "bool": pa.bool_(),
    "bytea": pa.binary(),
}
_GEOMETRY = re.compile(r"geometry(?:\((\w+)(?:,(\d+))?\))?", re.IGNORECASE)


@dataclass(frozen=True)
class TableColumn:
    """A column of a table, as it is read out (a CSV column of COPY) and typed in the file."""

    name: str
    pg_type: str  # the type's name (``int8``, ``timestamptz``, ``geometry``...)
    declared: str  # as the table declares it (``geometry(Point,4326)``)

    @property
    def is_geometry(self) -> bool:
        return self.pg_type == "geometry"

    @property
    def _binary(self) -> bool:
        return self.is_geometry or self.pg_type == "bytea"

    @property
    def _time(self) -> bool:
        return self.pg_type in ("timestamptz", "timestamp")

    def select(self) -> sql.Composable:
        """How COPY writes the column: WKB in hex for geometry, microseconds for times,
        numbers as they are, text for the rest."""
        name = sql.Identifier(self.name)
        if self.is_geometry:
            return sql.SQL("encode(ST_AsBinary({}), 'hex')").format(name)
        if self.pg_type == "bytea":
            return sql.SQL("encode({}, 'hex')").format(name)
        if self._time:
            return sql.SQL("(EXTRACT(EPOCH FROM {}) * 1000000)::int8").format(name)
        if self.pg_type in _PLAIN:
            return name
        return sql.SQL("{}::text").format(name)

    def csv_type(self) -> pa.DataType:
        """The column's type as the CSV reader parses it."""
        if self._binary:
            return pa.string()
        return pa.int64() if self._time else self.arrow_type()

    def arrow_type(self) -> pa.DataType:
        if self._binary:
            return pa.binary()
        if self.pg_type == "timestamptz":
            return pa.timestamp("us", tz="UTC")
        if self.pg_type == "timestamp":
            return pa.timestamp("us")
        return _PLAIN.get(self.pg_type, pa.string())

    def convert(self, parsed: pa.Array) -> pa.Array:
        """The column as the CSV reader parsed it -> its type in the file."""
        if self._binary:
            return _unhex(parsed)
        return parsed.cast(self.arrow_type()) if self._time else parsed

    def geo(self) -> dict[str, Any]:
        """The GeoParquet description of a geometry column (type and CRS from its declaration)."""
        from pyproj import CRS

        match = _GEOMETRY.fullmatch(self.declared.replace(" ", ""))
        kind, srid = (match.group(1), match.group(2)) if match else (None, None)
        known = {"point": "Point", "linestring": "LineString", "polygon": "Polygon"}
        described: dict[str, Any] = {
            "encoding": "WKB",
            "geometry_types": [known[kind.lower()]] if kind and kind.lower() in known else [],
        }
        if srid and srid != "0":
            described["crs"] = CRS.from_epsg(int(srid)).to_json_dict()
        return described


def table_columns(conn: Connection, table: str) -> list[TableColumn]:
    """The columns of ``table`` in their order."""
    rows = conn.exec_driver_sql(
        "SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        {"table": table},
    ).all()
    return [TableColumn(name, pg_type, declared) for name, pg_type, declared in rows]


def archive_metadata(path: Path) -> dict[str, Any] | None:
    """What a Coastwatch archive says of itself (None for any other Parquet file)."""
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(ARCHIVE_KEY)
    return None if raw is None else dict(json.loads(raw))


def _schema(columns: list[TableColumn], about: dict[str, Any]) -> pa.Schema:
    geometry = [c for c in columns if c.is_geometry]
    metadata = {ARCHIVE_KEY: json.dumps(about).encode()}
    if geometry:
        geo = {
            "version": "1.0.0",
            "primary_column": geometry[0].name,
            "columns": {c.name: c.geo() for c in geometry},
        }
        metadata[b"geo"] = json.dumps(geo).encode()
    fields = [pa.field(c.name, c.arrow_type()) for c in columns]
    return pa.schema(fields, metadata=metadata)


def _unhex(text: pa.Array) -> pa.Array:
    """Hex text -> binary; at numpy speed when every value has one length (WKB points)."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset : text.offset + len(text) + 1]
    widths = np.diff(offsets)
    if len(text) and not text.null_count and (widths == widths[0]).all():
        chars = np.frombuffer(text.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
        chars = chars.reshape(len(text), int(widths[0]))
        nibbles = np.where(chars >= ord("a"), chars - (ord("a") - 10), chars - ord("0"))
        raw = (nibbles[:, 0::2] << 4 | nibbles[:, 1::2]).astype(np.uint8)
        starts = np.arange(len(text) + 1, dtype=np.int32) * raw.shape[1]
        buffers = [None, pa.py_buffer(starts.tobytes()), pa.py_buffer(raw.tobytes())]
        return pa.Array.from_buffers(pa.binary(), len(text), buffers)
    return pa.array(
        [None if v is None else bytes.fromhex(v) for v in text.to_pylist()], pa.binary()
    )


class _CopyStream(io.RawIOBase):
    """The output of ``COPY .. TO STDOUT`` as a file, for pyarrow's streaming CSV reader."""

    def __init__(self, blocks: Iterator[memoryview]) -> None:
        self._blocks = blocks
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._left = memoryview(block).cast("B")
        size = min(len(buffer), len(self._left))
        buffer[:size], self._left = self._left[:size], self._left[size:]
        return size


def _batches(
    conn: Connection, table: str, columns: list[TableColumn], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """The table's rows in batches of about :data:`BATCH_BYTES` of CSV: streamed out by
    ``COPY`` and parsed by pyarrow, so that no Python object is made per row."""
    raw = conn.connection.driver_connection
    assert raw is not None
    query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(c.select() for c in columns), sql.Identifier(table)
    )
    names = [c.name for c in columns]
    with raw.cursor() as cur, cur.copy(query) as copy:
        stream = io.BufferedReader(_CopyStream(iter(copy)), buffer_size=1 << 20)
        reader = csv.open_csv(
            stream,
            read_options=csv.ReadOptions(
                column_names=names, use_threads=False, block_size=BATCH_BYTES
            ),
            parse_options=csv.ParseOptions(newlines_in_values=True),
            convert_options=csv.ConvertOptions(
                column_types={c.name: c.csv_type() for c in columns},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )
        for parsed in reader:
            arrays = [c.convert(parsed.column(i)) for i, c in enumerate(columns)]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def write_table(
    conn: Connection,
    table: str,
    path: Path,
    about: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``table`` to ``path`` (GeoParquet, ``about`` in its metadata) atomically; the
    rows written, checked against the file as read back. Raises StoreError if they differ."""
    columns = table_columns(conn, table)
    schema = _schema(columns, about)
    partial = path.with_name(f".{path.name}.partial")
    written = 0
    try:
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            for batch in _batches(conn, table, columns, schema):
                writer.write_batch(batch)
                written += batch.num_rows
                if progress:
                    progress(written)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
    except OSError as exc:  # a full disk, a directory that went away
        partial.unlink(missing_ok=True)
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint=f"{table} is kept; `coastwatch db archive` again finishes it",
        ) from None
    except pa.ArrowException as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"archiving {table}: the rows could not be converted: {exc}") from None
    read_back = pq.ParquetFile(partial).metadata.num_rows
    if read_back != written or written != about.get("rows", written):
        partial.unlink()
        raise StoreError(
            f"archiving {table}: {written:,} rows read, {read_back:,} in the file "
            f"(expected {about.get('rows', written):,}); the table is kept"
        )
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return written
