"""Land for the scan: the coastline near the scene only, each tile's part of it, burnt in."""

import shapely
from rasterio.transform import Affine

from satellite.landmask import LAND_BUFFER_M, scene_land, sea_mask, tile_land

#: a 100 x 100 px window of 0.001 degree pixels from (10 E, 40 N), rows going south
WINDOW = Affine(0.001, 0.0, 10.0, 0.0, -0.001, 40.0)
SHAPE = (100, 100)
FOOTPRINT = shapely.box(10.0, 39.9, 10.1, 40.0)


def test_the_scene_keeps_only_the_land_near_it_grown_by_the_buffer() -> None:
    near = shapely.box(10.05, 39.9, 10.2, 40.0)
    far = shapely.box(20.0, 50.0, 21.0, 51.0)
    coast = scene_land(shapely.union(near, far), FOOTPRINT)
    assert coast is not None and coast.bounds[2] < 11.0  # the far polygon is dropped
    grown_deg = coast.bounds[0] - 10.05
    assert -0.004 < grown_deg < -0.002  # 250 m west at 40 N is ~0.0029 degrees
    assert LAND_BUFFER_M == 250.0
    assert scene_land(far, FOOTPRINT) is None and scene_land(None, FOOTPRINT) is None


def test_a_tile_is_all_land_sea_or_holds_its_clipped_polygons() -> None:
    inland = scene_land(shapely.box(9.0, 39.0, 11.0, 41.0), FOOTPRINT)
    assert tile_land(inland, WINDOW, SHAPE, 10).all_land
    east = scene_land(shapely.box(10.05, 39.0, 11.0, 41.0), FOOTPRINT)
    here = tile_land(east, WINDOW, SHAPE, 10)
    assert not here.all_land and here.polygons is not None
    assert here.polygons.bounds[2] <= 10.1 + 1e-9  # cut to the window, not the whole coast
    sea = sea_mask(here.polygons, WINDOW, SHAPE)
    assert sea[:, :45].all() and not sea[:, 50:].any()  # land from 10.05 E less 250 m
    open_sea = tile_land(None, WINDOW, SHAPE, 10)
    assert not open_sea.all_land and open_sea.polygons is None
    assert sea_mask(None, WINDOW, SHAPE).all()


def test_a_tile_whose_core_is_land_is_all_land_even_if_its_halo_is_not() -> None:
    # land over all but the 5 px margin on the west: the core (10 px in) is all land
    coast = shapely.box(10.005, 39.0, 11.0, 41.0)
    shapely.prepare(coast)
    assert tile_land(coast, WINDOW, SHAPE, 10).all_land
    assert not tile_land(coast, WINDOW, SHAPE, 2).all_land
