"""Sentinel-1 SAFE products read from the real manifest and annotation, folder and zip alike."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shapely

from satellite.raster import open_scene
from satellite.safe import is_safe, read_safe
from surveillance.errors import InputError
from tests.builders.samples import shared_data, without_data

MANIFEST_FOOTPRINT = shapely.Polygon(
    [(14.925448, 40.876698), (11.865704, 41.281048), (12.189661, 42.780445), (15.321935, 42.376778)]
)


@pytest.fixture(scope="module")
def safe() -> Path:
    folders = sorted(shared_data("s1-safe").glob("*.SAFE"))
    if not folders:
        without_data(shared_data("s1-safe"))
    return folders[0]


def test_the_manifest_and_annotation_say_what_the_product_is(safe: Path) -> None:
    product = read_safe(safe)
    assert product.start == datetime(2021, 12, 23, 5, 11, 22, 594441, tzinfo=UTC)
    assert product.stop == datetime(2021, 12, 23, 5, 11, 47, 593146, tzinfo=UTC)
    assert product.footprint.symmetric_difference(MANIFEST_FOOTPRINT).area < 1e-12
    assert (product.platform, product.mode, product.product_type) == ("Sentinel-1B", "IW", "GRD")
    assert product.polarisations == ("VV", "VH")
    assert product.band == "VV"  # co-pol; the VH measurement is not in this product
    assert (product.orbit_number, product.orbit_pass) == (30148, "DESCENDING")
    assert product.pixel_spacing_m == 10.0
    assert product.incidence_mid_deg == pytest.approx(38.918, abs=1e-3)
    assert product.files == (
        "manifest.safe",
        "measurement/s1b-iw-grd-vv-20211223t051122-20211223t051147-030148-039993-001.tiff",
    )


def test_the_folder_its_manifest_and_its_zip_are_one_product(safe: Path, tmp_path: Path) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / safe.stem), "zip", safe.parent, safe.name))
    assert is_safe(safe) and is_safe(safe / "manifest.safe") and is_safe(archive)
    folder, zipped = read_safe(safe), read_safe(archive)
    assert zipped.start == folder.start and zipped.band == folder.band == "VV"
    assert zipped.gdal_path.startswith("SENTINEL1_CALIB:UNCALIB:/vsizip/")
    assert read_safe(safe / "manifest.safe").files == folder.files
    assert b"".join(zipped.chunks()) == b"".join(folder.chunks())
    with open_scene(safe) as one, open_scene(archive) as other:
        assert one.sha256() == other.sha256()
        assert (other.width, other.height) == (26102, 16705)


def test_a_product_without_its_measurement_is_refused(safe: Path, tmp_path: Path) -> None:
    broken = tmp_path / safe.name
    broken.mkdir()
    shutil.copy(safe / "manifest.safe", broken / "manifest.safe")
    with pytest.raises(InputError, match="none of the measurement files"):
        read_safe(broken)
    (broken / "manifest.safe").write_text("<xfdu:XFDU")
    with pytest.raises(InputError, match="not a readable Sentinel-1 SAFE product"):
        read_safe(broken)
