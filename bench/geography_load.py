"""Loading the reference geography of the default area of operations (the seas around Japan).

Prints, in one run, on a private throwaway cluster:
  baseline  reading the raw data packages (GSHHS land + searoute ports), nothing else
  first     first load: read, derive zones, write the cache, store (fresh database, no cache)
  cache     load into a fresh database with the cache present
  current   load again into a database that holds it already
Goals (issue #2): first < 10 s, current < 1 s.

    .venv/bin/python bench/geography_load.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine

from surveillance import geography, schema
from surveillance.embedded import Cluster
from surveillance.reference import area_of_operations, load_geography
from surveillance.settings import load_settings
from surveillance.store import Store


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def fresh_store(admin_url: str, name: str) -> Store:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = admin_url.replace("/coastwatch?", f"/{name}?").replace(
        "postgresql://", "postgresql+psycopg://"
    )
    store = Store(create_engine(url))
    schema.upgrade(store.engine)
    return store


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="coastwatch-bench-"))
    settings = load_settings(home=home, embedded_port=55499)  # COASTWATCH_* apply, e.g. the AOI
    cluster = Cluster(settings)
    try:
        admin_url = cluster.up()
        aoi = area_of_operations(settings)
        baseline, _ = timed(
            lambda: (geography.read_land(aoi.bbox_deg), geography.read_ports(aoi.bbox_deg))
        )
        first_store = fresh_store(admin_url, "bench_first")
        first, loaded = timed(lambda: load_geography(settings, first_store))
        assert loaded.how == "built"
        current, again = timed(lambda: load_geography(settings, first_store))
        assert again.how == "current"
        cache_store = fresh_store(admin_url, "bench_cache")
        cached, from_cache = timed(lambda: load_geography(settings, cache_store))
        assert from_cache.how == "cache"
        for store in (first_store, cache_store):
            store.close()
    finally:
        cluster.destroy()
        shutil.rmtree(home, ignore_errors=True)

    west, south, east, north = settings.aoi_bbox_deg
    print(
        f"geography of {settings.aoi_name!r} ({west}..{east} E, {south}..{north} N), "
        f"GSHHS resolution {settings.coastline_resolution!r}: "
        f"{loaded.land_polygons} land polygons, {loaded.zones} zones, {loaded.ports} ports"
    )
    print(f"{'step':<10}{'seconds':>10}{'x baseline':>12}  goal")
    rows = [
        ("baseline", baseline, ""),
        ("first", first, "< 10 s " + ("met" if first < 10 else "MISSED")),
        ("cache", cached, ""),
        ("current", current, "< 1 s " + ("met" if current < 1 else "MISSED")),
    ]
    for name, seconds, goal in rows:
        print(f"{name:<10}{seconds:>10.3f}{seconds / baseline:>12.2f}  {goal}")


if __name__ == "__main__":
    main()
