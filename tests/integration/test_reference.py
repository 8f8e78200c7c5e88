"""Reference geography in the store: built once, current after that, cached across stores."""

from pathlib import Path

from sqlalchemy import text

from surveillance.reference import load_geography
from surveillance.settings import load_settings
from surveillance.store import Store


def tsushima(home: Path):
    return load_settings(home=home, aoi_name="tsushima", aoi_bbox_deg=(128.8, 33.3, 130.6, 35.3))


def test_geography_is_built_then_current_then_read_from_cache(store: Store, tmp_path: Path) -> None:
    settings = tsushima(tmp_path)
    first = load_geography(settings, store)
    assert first.how == "built" and first.land_polygons > 10 and first.ports >= 3
    assert load_geography(settings, store).how == "current"
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM reference_datasets"))
    again = load_geography(settings, store)
    assert again.how == "cache"
    assert (again.land_polygons, again.zones, again.ports) == (
        first.land_polygons,
        first.zones,
        first.ports,
    )
    assert store.table_counts()["zones"] == first.land_polygons + first.zones


def test_changing_a_zone_width_rebuilds_it(store: Store, tmp_path: Path) -> None:
    load_geography(tsushima(tmp_path), store)
    wider = tsushima(tmp_path).model_copy(update={"territorial_sea_nm": 6.0})
    assert load_geography(wider, store).how == "built"
    names = set(store.zones(kinds=["territorial_sea"])["name"])
    assert names == {"territorial sea (6 nm, approximate)"}


def test_the_store_answers_distance_to_land_in_metres(store: Store, tmp_path: Path) -> None:
    load_geography(tsushima(tmp_path), store)
    near_shore = "ST_SetSRID(ST_MakePoint(130.36, 33.62), 4326)::geography"  # Hakata Bay
    mid_strait = "ST_SetSRID(ST_MakePoint(129.7, 34.0), 4326)::geography"
    sql = "SELECT min(ST_Distance(geom::geography, {p})) FROM zones WHERE kind = 'land'"
    with store.engine.connect() as conn:
        near = conn.execute(text(sql.format(p=near_shore))).scalar_one()
        far = conn.execute(text(sql.format(p=mid_strait))).scalar_one()
    assert near < 3_000 and far > 10_000  # Iki lies some 14 km off
    ports = store.ports(bbox=(130.0, 33.4, 130.6, 33.8))
    assert "JPHKT" in set(ports["locode"])
