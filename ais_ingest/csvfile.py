"""CSV exports as a source, read by a columnar reader (pyarrow's) in blocks of rows.

Every column is read as text (a number that does not parse is a reject of its row, not an
error of its block) and stripped of the blanks exports put around fields. A row with the
wrong number of fields is set aside as it was written (``malformed``) and the reader goes
on: a malformed row never costs its block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from ais_ingest.files import open_input
from surveillance.errors import InputError
from surveillance.ingest import Source

__all__ = ["BLOCK_BYTES", "CsvFile", "CsvRows"]

BLOCK_BYTES = 16 << 20  # about 150,000 rows of a MarineCadastre export


@dataclass(frozen=True)
class CsvRows:
    """A block of a CSV export as text columns (blanks stripped, empty fields ``""``),
    and the lines of the block that do not have the header's number of fields."""

    frame: pd.DataFrame
    malformed: list[bytes]

    def line(self, row: int) -> bytes:
        """Row ``row`` of the block as a line again (for the quarantine of a reject)."""
        return ",".join(str(v) for v in self.frame.iloc[row]).encode()


def _header(path: Path) -> list[str]:
    with open_input(path) as stream:
        first = stream.readline(1 << 16).decode("utf-8", "replace").strip().lstrip("\ufeff")
    return [name.strip() for name in first.split(",")]


def _text_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    columns = {
        name: pc.utf8_trim_whitespace(column).to_pandas()
        for name, column in zip(batch.schema.names, batch.columns, strict=True)
    }
    return pd.DataFrame(columns)


class CsvFile(Source[CsvRows]):
    """A CSV export, plain or gzipped, in blocks of :data:`BLOCK_BYTES`."""

    def __init__(self, path: Path, block_bytes: int = BLOCK_BYTES) -> None:
        self.path = path
        self.name = path.name
        self.block_bytes = block_bytes

    def read(self) -> Iterator[CsvRows]:
        names = _header(self.path)
        malformed: list[bytes] = []

        def set_aside(row: csv.InvalidRow) -> str:
            malformed.append((row.text or "").strip().encode())
            return "skip"

        with open_input(self.path) as stream:
            try:
                reader = csv.open_csv(
                    stream,
                    read_options=csv.ReadOptions(
                        column_names=names, skip_rows=1, block_size=self.block_bytes
                    ),
                    parse_options=csv.ParseOptions(invalid_row_handler=set_aside),
                    convert_options=csv.ConvertOptions(
                        column_types=dict.fromkeys(names, pa.string()),
                        strings_can_be_null=False,
                        quoted_strings_can_be_null=False,
                    ),
                )
                for batch in reader:
                    yield CsvRows(_text_frame(batch), list(malformed))
                    malformed.clear()
            except pa.ArrowInvalid as exc:  # not a CSV past its header (binary junk, say)
                raise InputError(f"{self.path}: unreadable as CSV: {exc}") from None
        if malformed:
            yield CsvRows(pd.DataFrame(columns=names, dtype=str), malformed)
