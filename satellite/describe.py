"""What a GeoTIFF says of itself: when it was acquired, by which kind of sensor, and how
its values relate to radar brightness. Read from its tags, band descriptions, name and,
where those are silent, a decimated sample of its values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from rasterio.enums import ColorInterp

from surveillance.times import utc

__all__ = ["Radiometry", "file_time", "radiometry_of", "sensor_of"]

#: how a band's values relate to radar brightness: linear amplitude (GRD digital numbers,
#: 8-bit chips), linear intensity (sigma0), or intensity in decibels
Radiometry = Literal["amplitude", "intensity", "db"]

#: tags that carry the acquisition time, most specific first; ``TIFFTAG_DATETIME`` (often
#: when the file was written) only when none of them is there
TIME_TAGS = (
    "ACQUISITION_START_TIME",
    "ACQUISITION_DATETIME",
    "ACQUISITION_TIME",
    "SENSING_TIME",
    "DATATAKE_1_DATATAKE_SENSING_START",
    "PRODUCT_START_TIME",
    "TIFFTAG_DATETIME",
)
_SAMPLE_PX = 256
_DB_WORD = re.compile(r"(^|[^a-z])db([^a-z]|$)", re.IGNORECASE)
#: Sentinel-2 product and band names: MSIL1C/MSIL2A, tiles T31UFQ, bands B01..B12, B8A, TCI
_SENTINEL2 = re.compile(r"MSIL[12]|(^|_)T\d\d[A-Z]{3}_|(^|_)(B0[1-9]|B1[0-2]|B8A|TCI)(_|\.|$)")
_RGB = {ColorInterp.red, ColorInterp.green, ColorInterp.blue}


def file_time(tags: Mapping[str, str]) -> tuple[datetime, str] | None:
    """The acquisition time in ``tags`` and the tag it came from; None when there is none
    (or it is not a time)."""
    for name in TIME_TAGS:
        stamp = (tags.get(name) or "").strip()
        if not stamp:
            continue
        if name == "TIFFTAG_DATETIME":  # "YYYY:MM:DD HH:MM:SS"
            stamp = stamp.replace(":", "-", 2)
        try:
            return utc(datetime.fromisoformat(stamp.replace(" ", "T"))), name
        except ValueError:
            continue
    return None


def sensor_of(dataset: Any, path: Path) -> str:
    """``optical`` for a three-band RGB image or a Sentinel-2 product or band, else ``sar``."""
    tags = dataset.tags()
    named = " ".join([path.name, tags.get("SPACECRAFT_NAME", ""), tags.get("PRODUCT_TYPE", "")])
    if _SENTINEL2.search(path.name) or "Sentinel-2" in named:
        return "optical"
    rgb = dataset.count >= 3 and _RGB <= set(dataset.colorinterp[:3])
    return "optical" if rgb else "sar"


def radiometry_of(dataset: Any, path: Path) -> Radiometry:
    """Integers are amplitude (8-bit quicklooks and chips, 16-bit GRD numbers); floats are
    dB when the tags, band description, units or name say so or the values are mostly
    negative (an intensity never is), else linear intensity (sigma0)."""
    if not np.issubdtype(np.dtype(dataset.dtypes[0]), np.floating):
        return "amplitude"
    words = " ".join(
        [
            path.stem,
            *(str(v) for v in dataset.tags().values()),
            *(str(v) for v in dataset.tags(1).values()),
            str(dataset.descriptions[0] or ""),
            str(dataset.units[0] or ""),
        ]
    )
    if _DB_WORD.search(words):
        return "db"
    rows = min(dataset.height, _SAMPLE_PX)
    cols = min(dataset.width, _SAMPLE_PX)
    sample = dataset.read(1, out_shape=(rows, cols), masked=True).compressed()
    sample = sample[np.isfinite(sample)]
    return "db" if sample.size and np.mean(sample < 0) > 0.5 else "intensity"
