"""AIS files as sources: opened plain or gunzipped, their format told from the first line.

An NMEA file is read in chunks of whole lines (:class:`NmeaFile`); a CSV export in blocks
of rows (:class:`ais_ingest.csvfile.CsvFile`).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from surveillance.errors import InputError
from surveillance.ingest import Source

__all__ = [
    "CHUNK_BYTES",
    "Chunk",
    "NmeaFile",
    "detect_format",
    "open_input",
    "read_chunks",
]

CHUNK_BYTES = 4 << 20

_MARINECADASTRE = ("MMSI", "BaseDateTime", "LAT", "LON")
_DMA = ("# Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude")


def open_input(path: Path) -> BinaryIO:
    """A file for reading bytes, gunzipped on the fly when it is gzipped."""
    try:
        with open(path, "rb") as probe:
            gzipped = probe.read(2) == b"\x1f\x8b"
        return gzip.open(path, "rb") if gzipped else open(path, "rb")  # type: ignore[return-value]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def detect_format(path: Path) -> str:
    """``parquet`` (an archive: the ``PAR1`` magic, or the suffix), else ``marinecadastre``,
    ``dma`` or ``nmea``, from the file's first line."""
    with open_input(path) as stream:
        if stream.read(4) == b"PAR1" or path.suffix == ".parquet":
            return "parquet"
        stream.seek(0)
        first = stream.readline(4096).decode("utf-8", "replace").strip().lstrip("\ufeff")
    header = tuple(part.strip() for part in first.split(","))
    if header[: len(_MARINECADASTRE)] == _MARINECADASTRE:
        return "marinecadastre"
    if header[: len(_DMA)] == _DMA or ("# " + first).split(",")[: len(_DMA)] == list(_DMA):
        return "dma"
    return "nmea"


def read_chunks(path: Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[int, bytes]]:
    """(bytes of the file read so far, chunk of whole lines), plain or gzipped."""
    carry = b""
    with open_input(path) as stream:
        raw = getattr(stream, "fileobj", stream)  # the compressed file under a gzip stream
        while True:
            block = stream.read(chunk_bytes)
            done = raw.tell()
            if not block:
                break
            data = carry + block
            cut = _chunk_end(data)
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            yield done, data[:cut]
        if carry:
            yield raw.tell(), carry + b"\n"


def _chunk_end(data: bytes) -> int:
    """Where a chunk of ``data`` ends: after its last whole line, unless that line is a
    GateHouse ``$PGHP`` header, which goes with the sentence it times."""
    cut = data.rfind(b"\n") + 1
    last_line = data.rfind(b"\n", 0, max(cut - 1, 0)) + 1
    if cut and data.startswith(b"$PGHP", last_line):
        return last_line
    return cut


@dataclass(frozen=True)
class Chunk:
    """Whole lines of an NMEA file, and how far into the file (as stored) they end."""

    index: int
    file_bytes: int
    data: bytes


class NmeaFile(Source[Chunk]):
    """An NMEA file, plain or gzipped, in chunks of whole lines."""

    def __init__(self, path: Path, chunk_bytes: int | None = None) -> None:
        self.path = path
        self.name = path.name
        self.chunk_bytes = chunk_bytes

    def read(self) -> Iterator[Chunk]:
        chunks = read_chunks(self.path, self.chunk_bytes or CHUNK_BYTES)
        for index, (file_bytes, data) in enumerate(chunks):
            yield Chunk(index, file_bytes, data)
