"""What framing yields: the kind of each line (:class:`LineKind`) and the per-line arrays
of one chunk (:class:`Frames`), shared by :mod:`framing` and :mod:`receipt`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Frames", "LineKind"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class LineKind:
    """What a line is (values of :attr:`Frames.kind`)."""

    AIS = 0
    OTHER_NMEA = 1  # $GPRMC and friends: passed over, counted
    BLANK = 2  # empty or a '#' comment
    MALFORMED = 3
    BAD_TAG = 4  # an AIS sentence behind a tag block that is broken or fails its checksum
    TIME_HEADER = 5  # a GateHouse $PGHP line: the time of the next AIS sentence
    BAD_TIME_HEADER = 6  # a $PGHP line that fails its checksum or names no real time


@dataclass
class Frames:
    """Per-line arrays for one chunk; offsets index into ``buf``."""

    buf: bytes
    start: IntArray  # line start
    end: IntArray  # line end (exclusive, without CR/LF)
    kind: npt.NDArray[np.int8]
    bang: IntArray  # offset of '!' (AIS lines)
    checksum_ok: npt.NDArray[np.bool_]
    count: IntArray  # fragment count
    number: IntArray  # fragment number
    seq: IntArray  # sequential message id, -1 when empty
    channel: npt.NDArray[np.uint8]  # b'A', b'B', ... or 0
    payload_start: IntArray
    payload_end: IntArray
    fill: IntArray
    star: IntArray  # offset of the sentence's '*' (AIS lines)
    ts: FloatArray  # unix seconds, NaN when the line carries no time
    station: npt.NDArray[np.object_]  # receiving station's name, None when unknown

    def __len__(self) -> int:
        return len(self.start)

    def line(self, i: int) -> bytes:
        return self.buf[self.start[i] : self.end[i]]

    def sentence(self, i: int) -> bytes:
        """The NMEA sentence of an AIS line, without tag block, time column or trailer."""
        return self.buf[self.bang[i] : self.star[i] + 3]

    def payload(self, i: int) -> bytes:
        return self.buf[self.payload_start[i] : self.payload_end[i]]
