"""A scene's raster as the detector reads it: windows of linear amplitude, and pixels to
longitude and latitude, whether the file is georeferenced by an affine transform or GCPs.

:func:`open_scene` opens a GeoTIFF or COG (affine in any CRS, or GCPs), a Sentinel-1
``.SAFE`` folder or its ``.zip`` with rasterio, and says what it is (:class:`SceneMeta`:
time, sensor, radiometry, mode, polarisations, orbit); :class:`SceneRaster` reads it a
window at a time, so a full Sentinel-1 scene never has to fit in memory. What a GeoTIFF's
tags and values say of its time, sensor and radiometry is read in ``satellite/describe.py``.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
import shapely
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioError, RasterioIOError
from rasterio.transform import AffineTransformer, GCPTransformer
from rasterio.windows import Window

from satellite.describe import Radiometry, file_time, radiometry_of, sensor_of
from satellite.safe import SafeProduct, is_safe, read_safe
from surveillance.errors import InputError
from surveillance.geodesy import haversine_m
from surveillance.times import iso_utc, parse_time

__all__ = ["SceneMeta", "SceneRaster", "open_scene", "Radiometry"]

_CHUNK_BYTES = 1 << 20
#: GDAL's block cache while a scene is open: a row of scan tiles of a strip-organised GRD
#: (26,102 px x ~2,300 rows x 2 bytes) fits, so no strip is decompressed twice
GDAL_CACHE_MB = 512
#: Sentinel-1 GRD fills the image outside the swath with digital number 0
_S1_NODATA = 0.0


@dataclass
class SceneMeta:
    """What a scene is, as read from its file (or given on the command line)."""

    acquired_at: datetime
    sensor: str  # sar | optical
    radiometry: Radiometry = "amplitude"
    platform: str | None = None
    mode: str | None = None
    polarisations: str | None = None
    orbit_number: int | None = None
    orbit_pass: str | None = None
    product: str | None = None
    time_source: str = "file"  # the tag the time came from, or "--time"
    extra: dict[str, Any] = field(default_factory=dict)


class SceneRaster:
    """An open scene: its size, pixel spacing, footprint, and windows of its first band
    (of its co-polarised band for a SAFE product)."""

    def __init__(
        self,
        dataset: Any,
        meta: SceneMeta,
        *,
        chunks: Callable[[], Iterator[bytes]],
        closing: ExitStack,
        nodata: float | None = None,
        spacing_m: float | None = None,
        footprint: shapely.Polygon | None = None,
    ) -> None:
        self._ds = dataset
        self.meta = meta
        self.width, self.height = int(dataset.width), int(dataset.height)
        self._chunks = chunks
        self._closing = closing  # the dataset and its GDAL environment
        self._nodata = nodata
        gcps, gcp_crs = dataset.gcps
        if gcps:
            # thin-plate spline: exact at the GCPs; a polynomial fit is off by up to 1.4 km
            # over a Sentinel-1 IW scene's 210 GCPs (tests/unit/satellite/test_raster.py)
            self._pixel: AffineTransformer | GCPTransformer = GCPTransformer(gcps, tps=True)
            crs = gcp_crs
        elif dataset.crs is not None and not dataset.transform.is_identity:
            self._pixel = AffineTransformer(dataset.transform)
            crs = dataset.crs
        else:
            raise InputError(f"{dataset.name}: no georeferencing (no transform and no GCPs)")
        self._to_lonlat = Transformer.from_crs(crs, 4326, always_xy=True)
        self._from_lonlat = Transformer.from_crs(4326, crs, always_xy=True)
        self.spacing_m = spacing_m or self._spacing_m()
        self.footprint = footprint or self._footprint()

    @property
    def bands(self) -> int:
        """How many bands the file has (an optical scene's quicklook uses three)."""
        return int(self._ds.count)

    def lonlat(self, rows: npt.ArrayLike, cols: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of pixel positions (pixel centres at .5)."""
        x, y = self._pixel.xy(np.asarray(rows, float), np.asarray(cols, float), offset="ul")
        lon, lat = self._to_lonlat.transform(np.asarray(x), np.asarray(y))
        return np.asarray(lon, float), np.asarray(lat, float)

    def pixels(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Fractional pixel positions (rows, cols) of longitudes and latitudes."""
        x, y = self._from_lonlat.transform(np.asarray(lon, float), np.asarray(lat, float))
        rows, cols = self._pixel.rowcol(np.asarray(x), np.asarray(y), op=lambda v: v)
        return np.asarray(rows, float), np.asarray(cols, float)

    def read(self, row0: int, col0: int, rows: int, cols: int) -> np.ndarray:
        """A window of the band as float32 linear amplitude; NaN where there is no data
        (the nodata value or mask, or outside the raster)."""
        out = np.full((rows, cols), np.nan, np.float32)
        r0, c0 = max(row0, 0), max(col0, 0)
        r1, c1 = min(row0 + rows, self.height), min(col0 + cols, self.width)
        if r1 > r0 and c1 > c0:
            window = Window(c0, r0, c1 - c0, r1 - r0)
            inner = self._ds.read(1, window=window, masked=True)
            out[r0 - row0 : r1 - row0, c0 - col0 : c1 - col0] = self._amplitude(inner)
        return out

    @property
    def dtype(self) -> str:
        """The data type of the band as stored (``uint16`` for a GRD)."""
        return str(self._ds.dtypes[0])

    @property
    def block_shape(self) -> tuple[int, int]:
        """The file's internal blocks (rows, cols): reads aligned to them decode each once."""
        rows, cols = self._ds.block_shapes[0]
        return int(rows), int(cols)

    def reopen(self, cache_mb: int = GDAL_CACHE_MB) -> SceneRaster:
        """The same scene on a dataset of its own, with a block cache of ``cache_mb`` (a
        worker process must not read through its parent's GDAL handle)."""
        dataset, closing = _open(str(self._ds.name), Path(str(self._ds.name)), cache_mb)
        return SceneRaster(
            dataset,
            self.meta,
            chunks=self._chunks,
            closing=closing,
            nodata=self._nodata,
            spacing_m=self.spacing_m,
            footprint=self.footprint,
        )

    def overview(self, rows: int, cols: int, bands: int = 1) -> np.ndarray:
        """The first ``bands`` bands decimated to ``rows x cols`` (the file's overviews
        when it has them; never the full resolution in memory), as linear amplitude with
        NaN for no data: shape ``(bands, rows, cols)``."""
        resampling = Resampling.average if self._ds.overviews(1) else Resampling.nearest
        data = self._ds.read(
            list(range(1, bands + 1)),
            out_shape=(bands, rows, cols),
            masked=True,
            resampling=resampling,
        )
        return self._amplitude(data)

    def sha256(self) -> str:
        """The hash of the scene's files (a SAFE's manifest and measurements), read in
        chunks: the scene's identity in the store."""
        digest = hashlib.sha256()
        for chunk in self._chunks():
            digest.update(chunk)
        return digest.hexdigest()

    def _amplitude(self, data: np.ma.MaskedArray) -> np.ndarray:
        """Values as read (masked where the file says no data) as float32 linear amplitude."""
        values = np.ma.filled(data.astype(np.float32), np.nan)
        if self._nodata is not None:
            values[values == self._nodata] = np.nan
        if self.meta.radiometry == "db":
            values = np.power(10.0, values / 20.0, dtype=np.float32)
        elif self.meta.radiometry == "intensity":
            values = np.sqrt(np.maximum(values, 0.0), dtype=np.float32)
        return values

    def _spacing_m(self) -> float:
        """Metres per pixel, measured on the ground across the scene's centre."""
        r, c = self.height / 2, self.width / 2
        lon, lat = self.lonlat(np.array([r, r, r + 1]), np.array([c, c + 1, c]))
        across_m, down_m = haversine_m(lon[0], lat[0], lon[1:], lat[1:])
        return float((across_m + down_m) / 2)

    def _footprint(self) -> shapely.Polygon:
        """The raster's outline in EPSG:4326, from points along its four edges."""
        n = 16
        along_w, along_h = np.linspace(0, self.width, n), np.linspace(0, self.height, n)
        rows = np.concatenate([np.zeros(n), along_h, np.full(n, self.height), along_h[::-1]])
        cols = np.concatenate([along_w, np.full(n, self.width), along_w[::-1], np.zeros(n)])
        lon, lat = self.lonlat(rows, cols)
        return shapely.Polygon(np.column_stack([lon, lat])).normalize()

    def close(self) -> None:
        self._closing.close()

    def __enter__(self) -> SceneRaster:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_scene(path: Path, sensor: str | None = None, time: str | None = None) -> SceneRaster:
    """Open a GeoTIFF/COG (affine or GCPs) or a Sentinel-1 SAFE folder or zip.

    The time is the file's (the SAFE manifest's start; a GeoTIFF's acquisition tags, else
    ``TIFFTAG_DATETIME``); ``time`` (``--time``), when given, overrides it and the meta
    says so. Refuses, with an :class:`InputError`, a path that is not there or not a
    raster, has no time, or has no georeferencing.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if is_safe(path):
        return _open_safe(read_safe(path), path, sensor, time)
    dataset, closing = _open(str(path), path)
    try:
        found = file_time(dataset.tags())
        stamp, source = _chosen_time(path, found, time)
        kind = sensor or sensor_of(dataset, path)
        meta = SceneMeta(
            acquired_at=stamp,
            sensor=kind,
            radiometry="amplitude" if kind == "optical" else radiometry_of(dataset, path),
            product=path.name,
            time_source=source,
            extra=_overridden(found, source),
        )
        return SceneRaster(dataset, meta, chunks=lambda: _file_chunks(path), closing=closing)
    except RasterioError as exc:  # a damaged file: its tags or values cannot be read
        closing.close()
        raise InputError(f"{path}: cannot be read ({exc})") from None
    except BaseException:
        closing.close()
        raise


def _open_safe(
    product: SafeProduct, path: Path, sensor: str | None, time: str | None
) -> SceneRaster:
    """A Sentinel-1 product through GDAL's SAFE driver: its co-polarised band, GCPs from
    the annotation, footprint and pixel spacing from the manifest and annotation."""
    found = (product.start, "manifest.safe")
    stamp, source = _chosen_time(path, found, time)
    meta = SceneMeta(
        acquired_at=stamp,
        sensor=sensor or "sar",
        radiometry="amplitude",
        platform=product.platform,
        mode=product.mode,
        polarisations=",".join(product.polarisations),
        orbit_number=product.orbit_number,
        orbit_pass=product.orbit_pass,
        product=product.name,
        time_source=source,
        extra={
            "band": product.band,
            "product_type": product.product_type,
            "stop": iso_utc(product.stop),
            "incidence_mid_deg": product.incidence_mid_deg,
            **_overridden(found, source),
        },
    )
    dataset, closing = _open(product.gdal_path, path)
    try:
        return SceneRaster(
            dataset,
            meta,
            chunks=product.chunks,
            closing=closing,
            nodata=_S1_NODATA,
            spacing_m=product.pixel_spacing_m,
            footprint=product.footprint,
        )
    except BaseException:
        closing.close()
        raise


def _open(name: str, path: Path, cache_mb: int = GDAL_CACHE_MB) -> tuple[Any, ExitStack]:
    """The dataset, opened in a GDAL environment whose block cache is bounded (GDAL's
    default is 5% of the machine's memory); closing the stack closes both."""
    closing = ExitStack()
    closing.enter_context(rasterio.Env(GDAL_CACHEMAX=cache_mb))
    try:
        with warnings.catch_warnings():  # SceneRaster says so, as an InputError
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return closing.enter_context(rasterio.open(name)), closing
    except RasterioIOError as exc:
        closing.close()
        raise InputError(f"{path}: not a raster rasterio can read ({exc})") from None


def _chosen_time(
    path: Path, found: tuple[datetime, str] | None, given: str | None
) -> tuple[datetime, str]:
    """``--time`` if given, else the file's time; neither is an InputError."""
    if given is not None:
        return parse_time(given, "--time"), "--time"
    if found is None:
        raise InputError(f"{path}: the file has no acquisition time; give --time")
    return found


def _overridden(found: tuple[datetime, str] | None, source: str) -> dict[str, Any]:
    """The file's own time, kept in the meta when ``--time`` overrode it."""
    if source != "--time" or found is None:
        return {}
    return {"file_time": iso_utc(found[0]), "file_time_source": found[1]}


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            yield chunk
