"""NMEA 0183 framing of a whole chunk of lines at once, with numpy.

A chunk is a run of complete lines. Each line is classified: an AIS sentence
(``!ttVDM``/``!ttVDO``, any two-letter talker) whose fields are located (offsets into the
chunk) and checksum checked, behind an optional NMEA 4.0 tag block whose own checksum is
checked too; a GateHouse ``$PGHP`` header, which times the next AIS sentence; another NMEA
sentence (``$GPRMC``...), which an AIS feed carries and the ingester passes over; a blank or
comment line; or malformed. When and by whom each line was received is read by
:mod:`ais_ingest.receipt`. Working on arrays rather than line by line is what lets ingest
outrun a decode loop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ais_ingest import receipt
from ais_ingest.frames import Frames, LineKind
from ais_ingest.receipt import DIGIT, Marks, first_at_or_after

__all__ = ["Frames", "LineKind", "frame_lines"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def frame_lines(buf: bytes) -> Frames:
    """Locate the fields of every line of ``buf`` (complete lines)."""
    if buf and not buf.endswith(b"\n"):
        buf += b"\n"
    arr = np.frombuffer(buf, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    start = np.concatenate(([0], newlines + 1))[: len(newlines)].astype(np.int64)
    end = newlines.astype(np.int64)
    end -= (end > start) & (arr[np.maximum(end - 1, 0)] == 13)
    n = len(start)
    kind = np.full(n, LineKind.MALFORMED, dtype=np.int8)

    # empty, whitespace-only and '#' comment lines
    printable = np.flatnonzero(arr > ord(" "))
    first = first_at_or_after(printable, start, end)
    lead = arr[np.maximum(first, 0)]
    kind[(first < 0) | (lead == ord("#"))] = LineKind.BLANK

    marks = Marks(arr)
    tags = receipt.tag_blocks(marks, start, end)
    body = np.where(tags.close >= 0, tags.close + 1, start)
    bang = first_at_or_after(marks.of("!"), body, end)
    dollar = first_at_or_after(marks.of("$"), body, end)
    kind[(bang < 0) & (dollar >= 0) & (kind != LineKind.BLANK)] = LineKind.OTHER_NMEA

    frames = Frames(
        buf=buf,
        start=start,
        end=end,
        kind=kind,
        bang=bang,
        checksum_ok=np.zeros(n, dtype=bool),
        count=np.zeros(n, dtype=np.int64),
        number=np.zeros(n, dtype=np.int64),
        seq=np.full(n, -1, dtype=np.int64),
        channel=np.zeros(n, dtype=np.uint8),
        payload_start=np.zeros(n, dtype=np.int64),
        payload_end=np.zeros(n, dtype=np.int64),
        fill=np.zeros(n, dtype=np.int64),
        star=np.zeros(n, dtype=np.int64),
        ts=np.full(n, np.nan),
        station=np.full(n, None, dtype=object),
    )
    candidates = np.flatnonzero((bang >= 0) & (kind == LineKind.MALFORMED))
    if len(candidates):
        _frame_sentences(frames, marks, candidates)
    ais = np.flatnonzero(kind == LineKind.AIS)
    broken_tag = ais[tags.present[ais] & ~tags.ok[ais]]
    kind[broken_tag] = LineKind.BAD_TAG
    headers = np.flatnonzero(kind == LineKind.OTHER_NMEA)
    headers = headers[receipt.is_time_header(arr, dollar[headers])]
    receipt.read_receipts(frames, marks, tags, headers)
    return frames


def _frame_sentences(frames: Frames, marks: Marks, rows: IntArray) -> None:
    arr = marks.arr
    bang, end = frames.bang[rows], frames.end[rows]
    last = len(arr) - 1
    # "!ttVDM," or "!ttVDO,", the talker any two capital letters
    sentence_ok = end - bang >= 14
    for offset in (1, 2):
        letter = arr[np.minimum(bang + offset, last)]
        sentence_ok &= (letter >= ord("A")) & (letter <= ord("Z"))
    for offset, allowed in ((3, b"V"), (4, b"D"), (6, b",")):
        sentence_ok &= arr[np.minimum(bang + offset, last)] == allowed[0]
    fifth = arr[np.minimum(bang + 5, last)]
    sentence_ok &= (fifth == ord("M")) | (fifth == ord("O"))
    commas = marks.of(",")
    c0 = np.searchsorted(commas, bang)
    fields = (
        np.stack([commas[np.minimum(c0 + k, len(commas) - 1)] for k in range(7)], axis=1)
        if len(commas)
        else np.zeros((len(rows), 7), dtype=np.int64)
    )
    # six commas, then the fill bits digit and '*hh'; then the end of the line, or a comma
    # and the receiver metadata some feeds append (read by receipt)
    c = fields
    star = c[:, 5] + 2
    sentence_ok &= (c0 + 5 < len(commas)) & (star + 2 < end)
    sentence_ok &= arr[np.minimum(star, last)] == ord("*")
    sentence_ok &= (c0 + 6 >= len(commas)) | (fields[:, 6] > star)
    after = arr[np.minimum(star + 3, last)]
    sentence_ok &= (star + 3 == end) | (after == ord(",")) | (after == ord(" "))
    count = DIGIT[arr[np.minimum(c[:, 0] + 1, last)]].astype(np.int64)
    number = DIGIT[arr[np.minimum(c[:, 1] + 1, last)]].astype(np.int64)
    seq_len = c[:, 3] - c[:, 2] - 1
    seq = np.where(seq_len == 1, DIGIT[arr[np.minimum(c[:, 2] + 1, last)]].astype(np.int64), -1)
    chan_len = c[:, 4] - c[:, 3] - 1
    channel = np.where(chan_len == 1, arr[np.minimum(c[:, 3] + 1, last)], 0)
    fill = DIGIT[arr[np.minimum(c[:, 5] + 1, last)]].astype(np.int64)
    sentence_ok &= (c[:, 1] - c[:, 0] == 2) & (c[:, 2] - c[:, 1] == 2)
    sentence_ok &= (count >= 1) & (count <= 9) & (number >= 1) & (number <= count)
    sentence_ok &= (seq_len <= 1) & (chan_len <= 1) & (seq != 255)
    sentence_ok &= fill <= 5
    good = rows[sentence_ok]
    frames.kind[good] = LineKind.AIS
    frames.count[good] = count[sentence_ok]
    frames.number[good] = number[sentence_ok]
    frames.seq[good] = seq[sentence_ok]
    frames.channel[good] = channel[sentence_ok]
    frames.payload_start[good] = c[sentence_ok, 4] + 1
    frames.payload_end[good] = c[sentence_ok, 5]
    frames.fill[good] = fill[sentence_ok]
    frames.star[good] = star[sentence_ok]
    # checksum: XOR of everything between '!' and '*'
    if len(good):
        frames.checksum_ok[good] = receipt.checksums_ok(
            arr, bang[sentence_ok] + 1, star[sentence_ok]
        )
