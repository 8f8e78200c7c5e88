"""A Sentinel-1 ``.SAFE`` product, a folder or its ``.zip``: what ``manifest.safe`` and the
annotation of the co-polarised band say (time, footprint, polarisations, mode, orbit, pixel
spacing), and where GDAL reads the image from.

The XML is read with the standard library's ElementTree: both files are small. GDAL's SAFE
driver does the image (its GCPs come from the annotation's geolocation grid).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import shapely

from surveillance.errors import InputError

__all__ = ["SafeProduct", "is_safe", "read_safe"]

MANIFEST = "manifest.safe"
_NS = {
    "safe": "http://www.esa.int/safe/sentinel-1.0",
    "s1": "http://www.esa.int/safe/sentinel-1.0/sentinel-1",
    "s1sarl1": "http://www.esa.int/safe/sentinel-1.0/sentinel-1/sar/level-1",
    "gml": "http://www.opengis.net/gml",
}
#: the co-polarised channels, detected on before the cross-polarised ones
_CO_POL = ("VV", "HH")


@dataclass(frozen=True)
class SafeProduct:
    """One Sentinel-1 product as its manifest and annotation describe it."""

    name: str  # the product's folder name, e.g. S1B_IW_GRDH_1SDV_..._5371.SAFE
    start: datetime
    stop: datetime
    footprint: shapely.Polygon  # EPSG:4326, as the manifest gives it
    platform: str  # e.g. Sentinel-1B
    mode: str  # IW, EW, SM, WV
    product_type: str  # GRD, SLC
    polarisations: tuple[str, ...]  # as the manifest names them, e.g. ("VV", "VH")
    band: str  # the polarisation detected on (co-pol first)
    orbit_number: int
    orbit_pass: str  # ASCENDING | DESCENDING
    pixel_spacing_m: float | None
    incidence_mid_deg: float | None
    gdal_path: str  # what rasterio opens: the band's SENTINEL1_CALIB subdataset
    files: tuple[str, ...]  # manifest and measurement files, as the package names them
    package: Path  # the folder or the zip

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The bytes of :attr:`files`, in order and in chunks (for the scene's hash)."""
        with _Package(self.package) as package:
            for name in self.files:
                with package.open(name) as stream:
                    while chunk := stream.read(size):
                        yield chunk


def is_safe(path: Path) -> bool:
    """A ``.SAFE`` folder, its ``manifest.safe`` or a ``.zip`` holding one."""
    if path.is_dir():
        return (path / MANIFEST).is_file()
    if path.name == MANIFEST:
        return True
    return path.suffix.lower() == ".zip" and zipfile.is_zipfile(path)


def read_safe(path: Path) -> SafeProduct:
    """The product at ``path`` (folder, manifest or zip); an :class:`InputError` naming the
    file when it is not a readable Sentinel-1 product."""
    package = path.parent if path.name == MANIFEST else path
    try:
        with _Package(package) as opened:
            return _product(opened, package)
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Sentinel-1 SAFE product ({exc})") from None


class _Package:
    """The files of a product, in a folder or in a zip (under its ``X.SAFE/`` prefix)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self.prefix = ""

    def __enter__(self) -> _Package:
        if self.path.is_dir():
            return self
        self._zip = zipfile.ZipFile(self.path)
        manifests = [n for n in self._zip.namelist() if n.endswith("/" + MANIFEST)]
        if not manifests:
            raise ValueError(f"no {MANIFEST} in the zip")
        self.prefix = manifests[0][: -len(MANIFEST)]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    @property
    def name(self) -> str:
        return Path(self.prefix).name if self._zip else self.path.name

    def exists(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_file()
        return self.prefix + name in self._zip.NameToInfo

    def open(self, name: str) -> IO[bytes]:
        if self._zip is None:
            return (self.path / name).open("rb")
        return self._zip.open(self.prefix + name)

    def gdal(self, name: str) -> str:
        if self._zip is None:
            return str(self.path / name)
        return f"/vsizip/{self.path.resolve()}/{self.prefix}{name}"


def _product(package: _Package, path: Path) -> SafeProduct:
    with package.open(MANIFEST) as stream:
        root = ElementTree.parse(stream).getroot()
    polarisations = tuple(_texts(root, ".//s1sarl1:transmitterReceiverPolarisation"))
    hrefs = [
        h.removeprefix("./")
        for h in (e.get("href", "") for e in root.iterfind(".//dataObject//fileLocation"))
    ]
    measurements = {
        _polarisation(h): h for h in hrefs if h.startswith("measurement/") and package.exists(h)
    }
    if not measurements:
        raise ValueError("none of the measurement files the manifest lists is there")
    band = next((p for p in (*_CO_POL, *polarisations) if p in measurements), "")
    band = band or sorted(measurements)[0]
    annotation = next(
        (
            h
            for h in hrefs
            if h.count("/") == 1 and h.startswith("annotation/") and _polarisation(h) == band
        ),
        None,
    )
    spacing_m, incidence_deg = _annotation(package, annotation)
    mode = _text(root, ".//s1sarl1:mode")
    family, number = (
        _text(root, ".//safe:platform/safe:familyName"),
        _text(root, ".//safe:platform/safe:number"),
    )
    return SafeProduct(
        name=package.name,
        start=_utc(_text(root, ".//safe:acquisitionPeriod/safe:startTime")),
        stop=_utc(_text(root, ".//safe:acquisitionPeriod/safe:stopTime")),
        footprint=_footprint(_text(root, ".//safe:footPrint/gml:coordinates")),
        platform=f"{family.title()}{number}",
        mode=mode,
        product_type=_text(root, ".//s1sarl1:productType"),
        polarisations=polarisations,
        band=band,
        orbit_number=int(_text(root, ".//safe:orbitNumber[@type='start']")),
        orbit_pass=_text(root, ".//s1:pass").upper(),
        pixel_spacing_m=spacing_m,
        incidence_mid_deg=incidence_deg,
        gdal_path=f"SENTINEL1_CALIB:UNCALIB:{package.gdal(MANIFEST)}:{mode}_{band}:AMPLITUDE",
        files=(MANIFEST, *(measurements[p] for p in sorted(measurements))),
        package=path,
    )


def _annotation(package: _Package, name: str | None) -> tuple[float | None, float | None]:
    """Pixel spacing (the mean of range and azimuth) and mid-swath incidence, if annotated."""
    if name is None or not package.exists(name):
        return None, None
    with package.open(name) as stream:
        root = ElementTree.parse(stream).getroot()
    spacings = [float(root.findtext(f".//{k}PixelSpacing") or "nan") for k in ("range", "azimuth")]
    incidence = root.findtext(".//incidenceAngleMidSwath")
    spacing = sum(spacings) / 2
    return (spacing if spacing == spacing else None), (
        None if incidence is None else float(incidence)
    )


def _polarisation(href: str) -> str:
    """The polarisation in a Sentinel-1 file name: ``s1b-iw-grd-vv-...`` -> ``VV``."""
    parts = Path(href).name.split("-")
    return parts[3].upper() if len(parts) > 3 else ""


def _texts(root: ElementTree.Element, xpath: str) -> list[str]:
    return [(e.text or "").strip() for e in root.iterfind(xpath, _NS)]


def _text(root: ElementTree.Element, xpath: str) -> str:
    found = root.findtext(xpath, namespaces=_NS)
    if not found:
        raise ValueError(f"the manifest has no {xpath.split('/')[-1]}")
    return found.strip()


def _utc(stamp: str) -> datetime:
    """A manifest time (UTC without a zone, microseconds) as an aware datetime."""
    return datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=UTC)


def _footprint(coordinates: str) -> shapely.Polygon:
    """``lat,lon lat,lon ...`` (GML's order in the manifest) as a lon/lat polygon."""
    points = [tuple(float(v) for v in pair.split(",")) for pair in coordinates.split()]
    return shapely.Polygon([(lon, lat) for lat, lon in points]).normalize()
