"""The evidence kept for each ship: a small 8-bit PNG of it and its surroundings."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from satellite.quicklook import png_bytes
from satellite.tiling import CHIP_HALF_PX

__all__ = ["chip_png"]


def chip_png(amplitude: npt.NDArray[np.float32], row: float, col: float) -> bytes:
    """A PNG of the ``2 * CHIP_HALF_PX`` square around (row, col) of ``amplitude``, in dB
    stretched over the chip (no data black)."""
    r, c = int(row), int(col)
    window = amplitude[
        max(r - CHIP_HALF_PX, 0) : r + CHIP_HALF_PX, max(c - CHIP_HALF_PX, 0) : c + CHIP_HALF_PX
    ]
    db = 20 * np.log10(np.maximum(np.nan_to_num(window, nan=0.0), 1e-3))
    low, high = np.percentile(db, [2, 99.8]) if db.size else (0.0, 1.0)
    return png_bytes(np.clip((db - low) / max(high - low, 1e-6) * 255, 0, 255).astype(np.uint8))
