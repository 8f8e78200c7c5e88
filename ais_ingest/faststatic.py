"""Vectorized decoding of type 5 static and voyage data, the other message AIS is full of.

A type 5 is 424 bits in two sentences, nearly always split 60 + 11 payload characters
with 2 fill bits. Those are decoded all at once with numpy, like the position reports
(:mod:`fastdecode`); any other split goes through pyais. The records are the ones
:mod:`slowdecode` makes from pyais's decoding (the tests check them message by message).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ais_ingest.fastdecode import SIX_BIT, bit_field

__all__ = ["FIRST_CHARS", "SECOND_CHARS", "decode_statics"]

FIRST_CHARS, SECOND_CHARS = 60, 11
_CHARS = FIRST_CHARS + SECOND_CHARS
_TYPE_5 = 5
# 6-bit text: values 0-31 are '@'..'_', 32-63 are ' '..'?'
_TEXT = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
_NUMBERS = {
    "mmsi": (8, 30),
    "imo": (40, 30),
    "ship_type": (232, 8),
    "to_bow": (240, 9),
    "to_stern": (249, 9),
    "to_port": (258, 6),
    "to_starboard": (264, 6),
    "draught": (294, 8),
}
_TEXTS = {"callsign": (70, 7), "name": (112, 20), "destination": (302, 20)}


def _text(bits: npt.NDArray[np.uint8], start: int, chars: int) -> npt.NDArray[np.object_]:
    """A 6-bit text field per row, stripped of padding (``@``) and blanks; None if empty."""
    codes = np.stack([bit_field(bits, start + 6 * k, 6, False) for k in range(chars)], axis=1)
    raw = np.ascontiguousarray(_TEXT[codes]).view(f"S{chars}").ravel()
    text = np.char.strip(raw, b" @").astype(str).astype(object)
    text[text == ""] = None
    return text


def _size(a: np.ndarray, b: np.ndarray) -> npt.NDArray[np.float64]:
    total = (a + b).astype(np.float64)
    return np.where(total > 0, total, np.nan)


def decode_statics(payloads: npt.NDArray[np.uint8]) -> dict[str, np.ndarray]:
    """Identity fields of an (n, 71) array of type 5 payload characters.

    Returns ``mmsi, imo`` (NaN when 0), ``name, callsign, destination`` (None when
    empty), ``ship_type`` (NaN when 0), ``length_m, beam_m, draught_m`` (NaN when 0) and
    ``valid`` (False where a character is not 6-bit ASCII or the message is no type 5).
    """
    six = SIX_BIT[payloads]
    valid = (six != 255).all(axis=1)
    bits = np.unpackbits((six << 2).astype(np.uint8)[:, :, None], axis=2)[:, :, :6]
    bits = bits.reshape(len(payloads), _CHARS * 6)
    valid &= bit_field(bits, 0, 6, False) == _TYPE_5
    raw = {name: bit_field(bits, start, width, False) for name, (start, width) in _NUMBERS.items()}
    out: dict[str, np.ndarray] = {
        "mmsi": raw["mmsi"],
        "imo": np.where(raw["imo"] > 0, raw["imo"], np.nan),
        "ship_type": np.where(raw["ship_type"] > 0, raw["ship_type"], np.nan),
        "length_m": _size(raw["to_bow"], raw["to_stern"]),
        "beam_m": _size(raw["to_port"], raw["to_starboard"]),
        "draught_m": np.where(raw["draught"] > 0, raw["draught"] / 10.0, np.nan),
        "valid": valid,
    }
    for name, (start, chars) in _TEXTS.items():
        out[name] = _text(bits, start, chars)
    return out
