"""The reference geography family: ``zones``, ``ports`` and the fingerprints of the
datasets loaded (``reference_datasets``); and geometries of any source (``write_geometries``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
from sqlalchemy import Engine, text

from surveillance.store.geoframes import merge_geometries, read_geoframe
from surveillance.store.window import BBox

__all__ = ["REFERENCE_KINDS", "ReferenceTables"]

#: Zone kinds that reference geography loads (and replaces on reload).
REFERENCE_KINDS = ("land", "territorial_sea", "contiguous_zone", "port_area")


class ReferenceTables:
    """Loading and reading zones and ports."""

    engine: Engine

    def write_geometries(
        self,
        table: str,
        frame: gpd.GeoDataFrame,
        key: Sequence[str],
        update: Sequence[str] = (),
        geometry_column: str = "geom",
    ) -> int:
        """Store a GeoDataFrame in one of the store's tables, merging on ``key``.

        The frame's active geometry fills ``geometry_column`` (``footprint`` for scenes,
        ``area`` or ``route`` for missions); geometries in another CRS are reprojected to
        EPSG:4326. Columns the table does not have are ignored.
        """
        with self.engine.begin() as conn:
            return merge_geometries(conn, table, frame, key, update, geometry_column)

    def replace_reference(
        self,
        dataset: str,
        fingerprint: str,
        aoi: str,
        zones: gpd.GeoDataFrame,
        ports: gpd.GeoDataFrame,
        summary: dict[str, Any],
    ) -> None:
        """Swap in the reference geography of ``aoi`` in one transaction: its zones of the
        reference kinds, the ports (added or updated), and the dataset's fingerprint."""
        with self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM zones WHERE aoi = :aoi AND kind = ANY(:kinds)"),
                {"aoi": aoi, "kinds": list(REFERENCE_KINDS)},
            )
            merge_geometries(conn, "zones", zones.assign(aoi=aoi), ("aoi", "kind", "name"))
            merge_geometries(conn, "ports", ports, ("locode",), update=("name", "country", "geom"))
            conn.execute(
                text(
                    "INSERT INTO reference_datasets (name, fingerprint, loaded_at, summary) "
                    "VALUES (:name, :fp, now(), :summary) ON CONFLICT (name) DO UPDATE SET "
                    "fingerprint = EXCLUDED.fingerprint, loaded_at = now(), "
                    "summary = EXCLUDED.summary"
                ),
                {"name": dataset, "fp": fingerprint, "summary": json.dumps(summary)},
            )

    def reference_fingerprint(self, dataset: str) -> str | None:
        """The fingerprint of the reference data loaded as ``dataset``, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT fingerprint FROM reference_datasets WHERE name = :n"), {"n": dataset}
            ).scalar_one_or_none()

    def zones(
        self, kinds: Sequence[str] = (), bbox: BBox | None = None, aoi: str | None = None
    ) -> gpd.GeoDataFrame:
        """Zones of ``kinds`` (all when empty) in the box and area of interest, by kind and
        name."""
        clauses = []
        if kinds:
            clauses.append("kind = ANY(:kinds)")
        if aoi is not None:
            clauses.append("aoi = :aoi")
        return read_geoframe(
            self.engine,
            "zones",
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"kinds": list(kinds), "aoi": aoi},
            order="kind, name",
        )

    def ports(self, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        """Ports in the box, by LOCODE."""
        return read_geoframe(self.engine, "ports", bbox=bbox, order="locode")
