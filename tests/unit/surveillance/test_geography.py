"""The offline geography: GSHHS land, searoute ports, derived zones, the land grid."""

import numpy as np
import pytest
import shapely
from global_land_mask import globe
from pyproj import Geod

from surveillance.geography import AreaOfOperations, derive_zones, read_land, read_ports

# Tsushima Strait: Kyushu's north coast, Iki, Tsushima and the tip of Korea.
TSUSHIMA = AreaOfOperations("tsushima", (128.8, 33.3, 130.6, 35.3), 12.0, 24.0, 3.0)
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def land():
    return read_land(TSUSHIMA.bbox_deg)


@pytest.fixture(scope="module")
def ports():
    return read_ports(TSUSHIMA.bbox_deg)


@pytest.fixture(scope="module")
def zones(land, ports):
    return derive_zones(land, ports, TSUSHIMA).set_index("kind", drop=False)


def offshore_point(lon: float, lat: float, azimuth_deg: float, distance_nm: float):
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth_deg, distance_nm * 1852.0)
    return shapely.Point(lon2, lat2)


def test_land_polygons_are_clipped_to_the_box(land) -> None:
    assert len(land) > 10  # Tsushima, Iki, Kyushu, Korea and many islets
    west, south, east, north = land.total_bounds
    assert west >= 128.8 and south >= 33.3 and east <= 130.6 and north <= 35.3
    assert land.geometry.is_valid.all()


def test_known_places_fall_on_land_or_sea(land) -> None:
    union = shapely.union_all(land.geometry.to_numpy())
    fukuoka_city, tsushima_island = shapely.Point(130.40, 33.59), shapely.Point(129.30, 34.40)
    mid_strait = shapely.Point(129.7, 34.0)
    assert union.contains(fukuoka_city) and union.contains(tsushima_island)
    assert not union.contains(mid_strait)


def test_gshhs_agrees_with_the_independent_land_grid(land) -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(128.8, 130.6, 4000)
    lat = rng.uniform(33.3, 35.3, 4000)
    union = shapely.union_all(land.geometry.to_numpy())
    ours = shapely.contains_xy(union, lon, lat)
    agreement = (ours == globe.is_land(lat, lon)).mean()
    assert agreement > 0.97  # they differ only along the coast, at 1 km grid resolution


def test_ports_carry_un_locodes(ports) -> None:
    assert {"JPHKT", "KRPUS"} <= set(ports["locode"])
    assert ports["locode"].str.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}").all()
    assert ports["locode"].is_unique


def test_territorial_sea_and_contiguous_zone_widths(zones) -> None:
    territorial = zones.loc["territorial_sea", "geometry"]
    contiguous = zones.loc["contiguous_zone", "geometry"]
    # Off Tsushima's west coast, heading west into open water (the box edge is far).
    coast_lon, coast_lat = 129.17, 34.30
    assert territorial.contains(offshore_point(coast_lon, coast_lat, 270, 6))
    assert contiguous.contains(offshore_point(coast_lon, coast_lat, 270, 18))
    far = offshore_point(coast_lon, coast_lat, 200, 40)
    assert not territorial.contains(far) and not contiguous.contains(far)
    assert not territorial.intersects(contiguous.buffer(-1e-6))


def test_port_areas_surround_their_ports(zones, ports) -> None:
    areas = zones[zones["kind"] == "port_area"].set_index("name")
    hakata = ports.set_index("locode").loc["JPHKT", "geometry"]
    assert areas.loc["JPHKT", "geometry"].contains(hakata)
    edge = offshore_point(hakata.x, hakata.y, 0, 3.5 / 1.852)  # 3.5 km away
    assert not areas.loc["JPHKT", "geometry"].contains(edge)
