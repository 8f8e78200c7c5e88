"""The store API: the one way into PostGIS for ingesters, rules and the dashboard.

Writes stage a batch with COPY and merge it with one ``INSERT .. ON CONFLICT`` (see
:mod:`surveillance.store.bulk`), so loading the same data twice stores it once. Reads take a time
window and a bounding box and return GeoDataFrames in EPSG:4326.

>>> with Store.open(load_settings()) as store:                                # doctest: +SKIP
...     store.positions(window=(since, until), bbox=(129, 33, 131, 35))
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError

from surveillance import schema
from surveillance.alert_types import check_alert_types
from surveillance.embedded import Cluster
from surveillance.errors import InputError, StoreError
from surveillance.lifecycle import next_status
from surveillance.models import Base
from surveillance.settings import Settings
from surveillance.store.bulk import check_columns, merge_frame, stage_frame, store_errors
from surveillance.store.position_load import PositionLoader
from surveillance.store.position_read import (
    PositionArrays,
    estimate_rows,
    read_latest_positions,
    read_position_arrays,
)
from surveillance.watchlist import normalise

__all__ = ["Store", "database_url", "libpq_url", "Window", "BBox", "TABLES", "REFERENCE_KINDS"]

log = logging.getLogger(__name__)

Window = tuple[datetime, datetime]
BBox = tuple[float, float, float, float]

#: The tables of DESIGN.md "Store" (and the few the core adds), as ``db status`` lists them.
TABLES = tuple(sorted(Base.metadata.tables))
#: Zone kinds that reference geography loads (and replaces on reload).
REFERENCE_KINDS = ("land", "territorial_sea", "contiguous_zone", "port_area")

_MIN_ID_PREFIX_CHARS = 6
_MAX_ACTOR_CHARS = 64
_IDENTITY_COLUMNS = (
    "imo", "name", "callsign", "ship_type", "length_m", "beam_m", "draught_m", "destination",
)  # fmt: skip


def libpq_url(settings: Settings) -> str:
    """The store's address as a libpq URI (``postgresql://``); starts the embedded cluster."""
    if settings.database_url is None:
        return Cluster(settings).up()
    raw = settings.database_url.get_secret_value()
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(f"COASTWATCH_DATABASE_URL is not a database URL: {raw!r}") from None
    if url.get_backend_name() != "postgresql":
        raise StoreError(f"the store must be PostgreSQL with PostGIS, not {url.drivername}")
    return "postgresql://" + raw.split("://", 1)[1]  # as given, less a +driver suffix


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the store (psycopg 3 driver)."""
    return "postgresql+psycopg://" + libpq_url(settings).split("://", 1)[1]


def _utc_times(values: pd.Series, what: str) -> pd.Series:
    times = pd.to_datetime(values, utc=True, errors="coerce")
    if times.isna().any():
        raise InputError(f"{int(times.isna().sum())} {what} have no valid time")
    return times


def _identity_changes(data: pd.DataFrame) -> pd.DataFrame:
    """Per vessel, in time order: fill fields a message lacks from the one before, and
    keep only the rows where something changed."""
    ordered = data.sort_values(["mmsi", "valid_from"], kind="stable").reset_index(drop=True)
    fields = list(_IDENTITY_COLUMNS)
    ordered[fields] = ordered.groupby("mmsi")[fields].ffill()
    # messages of one second (type 24's two halves) are one identity: the last, filled one
    ordered = ordered.drop_duplicates(["mmsi", "valid_from"], keep="last").reset_index(drop=True)
    previous = ordered.groupby("mmsi")[fields].shift()
    same_vessel = ordered["mmsi"].eq(ordered["mmsi"].shift())
    unchanged = same_vessel & (
        ordered[fields].eq(previous) | (ordered[fields].isna() & previous.isna())
    ).all(axis=1)
    return ordered[~unchanged]


def _actor(name: str) -> str:
    """Who did it, as ``alert_events`` and ``watchlist`` record it."""
    actor = name.strip()
    if not actor or len(actor) > _MAX_ACTOR_CHARS:
        raise InputError(f"not a user name (1 to {_MAX_ACTOR_CHARS} characters): {name!r}")
    return actor


def _text_or_none(value: Any) -> str | None:
    """Stripped text; None for a missing or blank value."""
    return (str(value).strip() or None) if pd.notna(value) else None


def _aware(window: Window) -> Window:
    if window[0].tzinfo is None or window[1].tzinfo is None:
        raise InputError("time windows must be timezone-aware (UTC)")
    return window


def _hex_ewkb(geometries: Any) -> np.ndarray:
    geoms = shapely.set_srid(np.asarray(geometries, dtype=object), 4326)
    return shapely.to_wkb(geoms, hex=True, include_srid=True)


class Store:
    """Typed reads and batched, idempotent writes over the Coastwatch schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Store:
        """Connect (bringing the embedded cluster up if needed), migrating to the head."""
        engine = create_engine(database_url(settings), pool_pre_ping=True)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if migrate:
                schema.upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot reach the store: {str(exc.orig).strip()}",
                hint="check COASTWATCH_DATABASE_URL (server, credentials, PostGIS installed), "
                "or unset it to use the embedded store",
            ) from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    @staticmethod
    def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"{what} frame lacks columns: {', '.join(missing)}")

    def write_positions(self, frame: pd.DataFrame) -> int:
        """Store position reports (``mmsi, ts, lon, lat`` and optional report fields, a
        ``source`` among them) at once; the ingesters use :meth:`position_loader`.

        Returns the number of new rows; reports already stored are skipped.
        """
        self._require(frame, ("mmsi", "ts", "lon", "lat"), "positions")
        if frame.empty:
            return 0
        data = frame.copy()
        times = _utc_times(data["ts"], "positions")
        data["ts"] = (times - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
        bad = ~(data["lon"].between(-180, 180) & data["lat"].between(-90, 90))
        if bad.any():
            raise InputError(
                f"{int(bad.sum())} positions have no valid coordinates (NaN or out of range); "
                "validate and quarantine them before writing"
            )
        for column in ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type"):
            given = data[column] if column in data.columns else pd.Series(np.nan, data.index)
            data[column] = pd.to_numeric(given, errors="coerce")
        if "source" not in data.columns:
            data["source"] = ""
        sources = data["source"].fillna("")
        stored = 0
        for source, part in data.groupby(sources, sort=False):
            loader = self.position_loader(str(source), bulk=False)
            loader.add(part)
            stored += loader.finish().new_rows
        return stored

    def write_identities(self, frame: pd.DataFrame) -> int:
        """Store broadcast identities (``mmsi, ts`` and identity fields, ``flag`` optional).

        Only changes are kept in ``vessel_identities`` (a vessel repeating its static data
        every few minutes adds nothing); fields a message does not carry (type 24 sends
        name and dimensions apart) are taken from the vessel's identity before it.
        ``vessels`` holds the latest identity per MMSI. Returns the history rows added.
        """
        self._require(frame, ("mmsi", "ts"), "identities")
        if frame.empty:
            return 0
        data = frame.rename(columns={"ts": "valid_from"}).copy()
        data["valid_from"] = _utc_times(data["valid_from"], "identities")
        for column in (*_IDENTITY_COLUMNS, "flag"):
            if column not in data.columns:
                data[column] = None
        data = _identity_changes(data)
        cols = ("mmsi", "valid_from", *_IDENTITY_COLUMNS)
        fill = ", ".join(f"{c} = COALESCE(s.{c}, v.{c})" for c in _IDENTITY_COLUMNS)
        same = " AND ".join(f"v.{c} IS NOT DISTINCT FROM s.{c}" for c in _IDENTITY_COLUMNS)
        latest_cols = ", ".join((*cols[:1], *cols[2:], "flag"))
        with self.engine.begin() as conn, store_errors("vessel_identities"):
            history = stage_frame(conn, "vessel_identities", data, cols)
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN first boolean"))
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN flag varchar(2)"))
            conn.execute(
                text(
                    f"UPDATE {history} h SET first = (h.valid_from = m.first_at) FROM "
                    f"(SELECT mmsi, min(valid_from) AS first_at FROM {history} GROUP BY mmsi) m "
                    "WHERE m.mmsi = h.mmsi"
                )
            )
            conn.execute(
                text(f"UPDATE {history} s SET {fill} FROM vessels v WHERE v.mmsi = s.mmsi")
            )
            flags = data.dropna(subset=["flag"]).drop_duplicates("mmsi", keep="last")
            conn.execute(
                text(
                    f"UPDATE {history} h SET flag = f.flag FROM "
                    "unnest(CAST(:m AS bigint[]), CAST(:f AS text[])) AS f(mmsi, flag) "
                    "WHERE h.mmsi = f.mmsi"
                ),
                {"m": [int(m) for m in flags["mmsi"]], "f": list(flags["flag"])},
            )
            added = conn.execute(
                text(
                    f"INSERT INTO vessel_identities ({', '.join(cols)}) "
                    f"SELECT {', '.join(cols)} FROM {history} s WHERE NOT (s.first AND EXISTS "
                    f"(SELECT 1 FROM vessels v WHERE v.mmsi = s.mmsi AND {same})) "
                    "ON CONFLICT (mmsi, valid_from) DO NOTHING"
                )
            ).rowcount
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_IDENTITY_COLUMNS, "flag"))
            conn.execute(
                text(
                    f"INSERT INTO vessels ({latest_cols}, updated_at) "
                    f"SELECT DISTINCT ON (mmsi) {latest_cols}, valid_from FROM {history} "
                    f"ORDER BY mmsi, valid_from DESC ON CONFLICT (mmsi) DO UPDATE SET {sets}, "
                    "updated_at = EXCLUDED.updated_at "
                    "WHERE vessels.updated_at <= EXCLUDED.updated_at"
                )
            )
            conn.execute(text(f"DROP TABLE {history}"))
        return added

    def position_loader(self, source: str, *, bulk: bool = True) -> PositionLoader:
        """A loader for the positions of one ingest run (see :mod:`position_load`)."""
        return PositionLoader(self.engine, source, bulk=bulk)

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
            return self._merge_geometries(conn, table, frame, key, update, geometry_column)

    def _merge_geometries(
        self,
        conn: Connection,
        table: str,
        frame: gpd.GeoDataFrame,
        key: Sequence[str],
        update: Sequence[str] = (),
        geometry_column: str = "geom",
        when: str = "",
    ) -> int:
        if table not in Base.metadata.tables or table == "ais_positions":
            raise InputError(f"not a geometry table of the store: {table}")
        check_columns(table, [geometry_column])
        if frame.crs is None:
            raise InputError(f"{table}: the frame has no CRS; set EPSG:4326 or its own")
        if frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        data[geometry_column] = _hex_ewkb(frame.geometry.to_numpy())
        known = Base.metadata.tables[table].columns.keys()
        columns = [c for c in data.columns if c in known]
        return merge_frame(conn, table, data, columns, key, update, when)

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
            self._merge_geometries(conn, "zones", zones.assign(aoi=aoi), ("aoi", "kind", "name"))
            self._merge_geometries(
                conn, "ports", ports, ("locode",), update=("name", "country", "geom")
            )
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

    def quarantine(self, frame: pd.DataFrame) -> int:
        """Keep rejected records (``source, reason, raw, received_at``, ``detail``) with why."""
        self._require(frame, ("source", "reason", "raw", "received_at"), "quarantine")
        data = frame.copy()
        data["raw"] = data["raw"].map(str)
        data["raw_sha256"] = [hashlib.sha256(r.encode()).hexdigest() for r in data["raw"]]
        if "detail" not in data.columns:
            data["detail"] = None
        columns = ("source", "reason", "raw", "raw_sha256", "received_at", "detail")
        with self.engine.begin() as conn:
            return merge_frame(
                conn, "quarantine", data, columns, ("source", "reason", "raw_sha256")
            )

    # -- reading -----------------------------------------------------------------------

    def _read(
        self,
        table: str,
        *,
        time_column: str | None = None,
        window: Window | None = None,
        bbox: BBox | None = None,
        where: str = "",
        params: dict[str, Any] | None = None,
        columns: str = "*",
        order: str = "",
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        clauses, bind = ([where] if where else []), dict(params or {})
        if window is not None:
            if time_column is None:
                raise InputError(f"{table} has no time to filter on")
            since, until = window
            if since.tzinfo is None or until.tzinfo is None:
                raise InputError("time windows must be timezone-aware (UTC)")
            clauses.append(f"{time_column} >= :since AND {time_column} < :until")
            bind.update(since=since, until=until)
        if bbox is not None:
            clauses.append("geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)")
            bind.update(zip(("west", "south", "east", "north"), bbox, strict=True))
        sql = f"SELECT {columns} FROM {table}"
        if clauses:
            sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT :limit"
            bind["limit"] = limit
        with self.engine.connect() as conn:
            frame = gpd.read_postgis(text(sql), conn, geom_col="geom", params=bind)
        return frame.set_crs(4326, allow_override=True)

    def positions(
        self, window: Window | None = None, bbox: BBox | None = None, mmsi: Sequence[int] = ()
    ) -> gpd.GeoDataFrame:
        """Position reports in the window and box, ordered by vessel and time."""
        where = "mmsi = ANY(:mmsi)" if mmsi else ""
        return self._read(
            "ais_positions",
            time_column="ts",
            window=window,
            bbox=bbox,
            where=where,
            params={"mmsi": list(mmsi)},
            order="mmsi, ts",
        )

    def vessels(self, mmsi: Sequence[int] = ()) -> pd.DataFrame:
        """Latest identity per vessel (all vessels when ``mmsi`` is empty)."""
        sql = "SELECT * FROM vessels" + (" WHERE mmsi = ANY(:mmsi)" if mmsi else "")
        with self.engine.connect() as conn:
            return pd.read_sql(text(sql + " ORDER BY mmsi"), conn, params={"mmsi": list(mmsi)})

    def identity_history(self, mmsi: int) -> pd.DataFrame:
        """Every identity a vessel has sent, oldest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text("SELECT * FROM vessel_identities WHERE mmsi = :m ORDER BY valid_from"),
                conn,
                params={"m": mmsi},
            )

    def identities(self, window: Window) -> pd.DataFrame:
        """Full identity histories of the vessels whose identity changed in the window."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT * FROM vessel_identities WHERE mmsi IN (SELECT mmsi FROM "
                    "vessel_identities WHERE valid_from >= :since AND valid_from < :until) "
                    "ORDER BY mmsi, valid_from"
                ),
                conn,
                params={"since": window[0], "until": window[1]},
            )

    def latest_position_time(self) -> datetime | None:
        """When the newest position in the store was reported."""
        with self.engine.connect() as conn:
            latest: datetime | None = conn.execute(
                text("SELECT max(ts) FROM ais_positions")
            ).scalar()
            return latest

    def position_arrays(
        self,
        window: Window,
        bbox: BBox | None = None,
        sample_pct: float | None = None,
        mmsi: Sequence[int] = (),
    ) -> PositionArrays:
        """Positions in the window as numpy arrays, sorted by (mmsi, t): the rules' read.
        ``sample_pct`` keeps a steady random share of them (tracks drawn on a map); ``mmsi``
        only those vessels."""
        since, until = _aware(window)
        return read_position_arrays(
            self.engine, since, until, bbox, sample_pct=sample_pct, mmsi=mmsi
        )

    def count_positions_roughly(self, window: Window, bbox: BBox | None = None) -> int:
        """The planner's estimate of how many positions the window holds (instant)."""
        since, until = _aware(window)
        return estimate_rows(self.engine, since, until, bbox)

    def latest_positions(self, window: Window, bbox: BBox | None = None) -> PositionArrays:
        """Each vessel's newest position in the window (and the box)."""
        since, until = _aware(window)
        return read_latest_positions(self.engine, since, until, bbox)

    def detections(
        self, window: Window | None = None, bbox: BBox | None = None
    ) -> gpd.GeoDataFrame:
        return self._read("detections", time_column="ts", window=window, bbox=bbox, order="ts")

    def leads(self, window: Window | None = None, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        """Leads published in the window (those placed on the map when a box is given)."""
        return self._read(
            "leads", time_column="published_at", window=window, bbox=bbox, order="published_at"
        )

    def telemetry(self, window: Window | None = None, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        return self._read("drone_telemetry", time_column="ts", window=window, bbox=bbox, order="ts")

    def zones(
        self, kinds: Sequence[str] = (), bbox: BBox | None = None, aoi: str | None = None
    ) -> gpd.GeoDataFrame:
        clauses = []
        if kinds:
            clauses.append("kind = ANY(:kinds)")
        if aoi is not None:
            clauses.append("aoi = :aoi")
        return self._read(
            "zones",
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"kinds": list(kinds), "aoi": aoi},
            order="kind, name",
        )

    def ports(self, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        return self._read("ports", bbox=bbox, order="locode")

    def alerts(
        self,
        window: Window | None = None,
        bbox: BBox | None = None,
        types: Sequence[str] = (),
        statuses: Sequence[str] = (),
        min_score: int | None = None,
        limit: int | None = None,
    ) -> gpd.GeoDataFrame:
        """Alerts starting in the window, highest score first (the first ``limit``)."""
        clauses = []
        if types:
            clauses.append("type = ANY(:types)")
        if statuses:
            clauses.append("status = ANY(:statuses)")
        if min_score is not None:
            clauses.append("score >= :min_score")
        return self._read(
            "alerts",
            time_column="start",
            window=window,
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"types": list(types), "statuses": list(statuses), "min_score": min_score},
            order="score DESC, start, id",
            limit=limit,
        )

    # -- alerts and watchlist ----------------------------------------------------------

    def alerts_overlapping(self, window: Window, types: Sequence[str] = ()) -> gpd.GeoDataFrame:
        """Alerts going on at some time in the window, open ones included; without their
        evidence (only its ``key``): what the engine and the evaluation need."""
        where = '"start" < :until AND coalesce("end", \'infinity\') >= :since'
        if types:
            where += " AND type = ANY(:types)"
        return self._read(
            "alerts",
            where=where,
            params={"since": window[0], "until": window[1], "types": list(types)},
            columns='id, type, status, score, "start", "end", mmsi, geom, '
            "evidence->>'key' AS key",
            order="start, id",
        )

    def write_alerts(self, frame: gpd.GeoDataFrame) -> int:
        """Insert new alerts and update changed ones (their status is left alone); each type
        must be that of a registered rule."""
        check_alert_types(frame["type"])
        update = ["score", "start", "end", "geom", "mmsi", "evidence", "score_reasons",
                  "rule_version", "updated_at"]  # fmt: skip
        changed = " OR ".join(
            f'alerts."{c}" IS DISTINCT FROM EXCLUDED."{c}"'
            for c in ("score", "start", "end", "evidence", "score_reasons", "rule_version")
        )
        with self.engine.begin() as conn:
            return self._merge_geometries(conn, "alerts", frame, ["id"], update, when=changed)

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        """One alert by its id or a unique prefix of it (at least 6 characters): every
        column, ``geom`` as shapely and ``lon, lat`` of a point on it; None if none matches.
        An ambiguous prefix is an InputError."""
        sql = (
            "SELECT a.*, ST_AsBinary(a.geom) AS geom_wkb, ST_X(ST_PointOnSurface(a.geom)) AS lon,"
            " ST_Y(ST_PointOnSurface(a.geom)) AS lat FROM alerts a WHERE "
        )
        with self.engine.connect() as conn:
            rows = conn.execute(text(sql + "id = :id"), {"id": alert_id}).mappings().all()
            if not rows and len(alert_id) >= _MIN_ID_PREFIX_CHARS:
                by_prefix = text(sql + "starts_with(a.id, :id) ORDER BY a.id LIMIT 4")
                rows = conn.execute(by_prefix, {"id": alert_id}).mappings().all()
        if len(rows) > 1:
            shown = ", ".join(r["id"] for r in rows[:3]) + (" and more" if len(rows) > 3 else "")
            raise InputError(
                f"alert id prefix {alert_id!r} is ambiguous",
                hint=f"it matches {shown}; give more characters",
            )
        if not rows:
            return None
        found = dict(rows[0])
        found["geom"] = shapely.from_wkb(bytes(found.pop("geom_wkb")))
        return found

    def alert_events(self, alert_id: str) -> pd.DataFrame:
        """What analysts did to an alert (who, when, from and to which status, the note),
        oldest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT ts, actor, action, from_status, to_status, note FROM alert_events "
                    "WHERE alert_id = :id ORDER BY ts, id"
                ),
                conn,
                params={"id": alert_id},
            )

    def act_on_alert(self, alert_id: str, action: str, actor: str, note: str | None = None) -> str:
        """Apply an analyst's action (see :mod:`surveillance.lifecycle`) and record it in
        ``alert_events``, in one transaction; returns the alert's new status."""
        by = _actor(actor)
        note = _text_or_none(note)
        with self.engine.begin() as conn:
            current = conn.execute(
                text("SELECT status FROM alerts WHERE id = :id FOR UPDATE"), {"id": alert_id}
            ).scalar_one_or_none()
            if current is None:
                raise InputError(f"no alert {alert_id!r}")
            status = next_status(current, action, note)
            if status != current:
                conn.execute(
                    text("UPDATE alerts SET status = :s, updated_at = now() WHERE id = :id"),
                    {"s": status, "id": alert_id},
                )
            conn.execute(
                text(
                    "INSERT INTO alert_events (alert_id, ts, actor, action, from_status, "
                    "to_status, note) VALUES (:id, now(), :by, :action, :old, :new, :note)"
                ),
                {
                    "id": alert_id,
                    "by": by,
                    "action": action,
                    "old": current,
                    "new": status,
                    "note": note,
                },
            )
        return status

    def watchlist(self) -> pd.DataFrame:
        """The watchlist (``kind, value, note, added_by, added_at``) by kind and value."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT kind, value, note, added_by, added_at FROM watchlist "
                    "ORDER BY kind, value"
                ),
                conn,
            )

    def add_watchlist(self, entries: pd.DataFrame, actor: str) -> int:
        """Put ``kind, value`` (and an optional ``note``) on the watchlist, values normalised
        (:func:`surveillance.watchlist.normalise`). An entry already there stays, taking the
        new note if one is given. Returns the entries added or changed."""
        self._require(entries, ("kind", "value"), "watchlist")
        by = _actor(actor)
        notes = entries["note"] if "note" in entries.columns else pd.Series(None, entries.index)
        latest: dict[tuple[str, str], str | None] = {}  # the last of duplicate entries wins
        for kind, value, note in zip(entries["kind"], entries["value"], notes, strict=True):
            key = str(kind).strip().lower()
            latest[key, normalise(key, value)] = _text_or_none(note)
        if not latest:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(
                text(
                    "INSERT INTO watchlist (kind, value, note, added_by) SELECT k, v, n, :by "
                    "FROM unnest(CAST(:k AS text[]), CAST(:v AS text[]), CAST(:n AS text[])) "
                    "AS e(k, v, n) ON CONFLICT (kind, value) DO UPDATE SET note = EXCLUDED.note "
                    "WHERE EXCLUDED.note IS NOT NULL AND watchlist.note IS DISTINCT FROM "
                    "EXCLUDED.note"
                ),
                {
                    "by": by,
                    "k": [kind for kind, _ in latest],
                    "v": [value for _, value in latest],
                    "n": list(latest.values()),
                },
            ).rowcount

    def remove_watchlist(self, kind: str, value: str) -> bool:
        """Take an entry off the watchlist; False when it was not on it."""
        kind = kind.strip().lower()
        with self.engine.begin() as conn:
            removed = conn.execute(
                text("DELETE FROM watchlist WHERE kind = :k AND value = :v"),
                {"k": kind, "v": normalise(kind, value)},
            ).rowcount
        return removed > 0

    # -- exports -----------------------------------------------------------------------

    def export_alerts(
        self, window: Window, area: shapely.Geometry | None = None, types: Sequence[str] = ()
    ) -> gpd.GeoDataFrame:
        """What a report holds: alerts going on at some time in the window (open ones
        included) that touch ``area``, of ``types`` (all when empty), highest score first.

        Besides the alert's columns: ``names`` (the vessels' names, aligned with ``mmsi``,
        None when unknown), ``lon, lat`` of a point on the alert, and ``evidence`` with each
        list or object in it cut down to ``{"count": n}`` (tracks stay in the store).
        """
        since, until = window
        if since.tzinfo is None or until.tzinfo is None:
            raise InputError("time windows must be timezone-aware (UTC)")
        where = 'a."start" < :until AND coalesce(a."end", \'infinity\') >= :since'
        if types:
            where += " AND a.type = ANY(:types)"
        if area is not None:
            where += " AND ST_Intersects(a.geom, ST_GeomFromWKB(:area, 4326))"
        columns = (
            'a.id, a.type, a.status, a.score, a."start", a."end", a.mmsi, a.geom, '
            "a.score_reasons, a.rule_version, "
            "ST_X(ST_PointOnSurface(a.geom)) AS lon, ST_Y(ST_PointOnSurface(a.geom)) AS lat, "
            "ARRAY(SELECT v.name FROM unnest(a.mmsi) WITH ORDINALITY AS m(mmsi, n) "
            "LEFT JOIN vessels v ON v.mmsi = m.mmsi ORDER BY m.n) AS names, "
            "(SELECT coalesce(jsonb_object_agg(k, CASE jsonb_typeof(v) "
            "WHEN 'array' THEN jsonb_build_object('count', jsonb_array_length(v)) "
            "WHEN 'object' THEN jsonb_build_object('count', "
            "(SELECT count(*) FROM jsonb_object_keys(v))) ELSE v END), '{}'::jsonb) "
            "FROM jsonb_each(a.evidence) AS e(k, v)) AS evidence"
        )
        return self._read(
            "alerts a",
            where=where,
            params={
                "since": since,
                "until": until,
                "types": list(types),
                "area": None if area is None else shapely.to_wkb(area),
            },
            columns=columns,
            order='a.score DESC, a."start", a.id',
        )

    def record_export(
        self,
        *,
        actor: str,
        fmt: str,
        window: Window,
        area: shapely.Geometry | None = None,
        types: Sequence[str] = (),
        alerts: int,
    ) -> int:
        """Keep who exported which alerts (the window, area, types and how many), in which
        format; returns the export's id."""
        by = _actor(actor)
        if not 0 < len(fmt) <= 8:  # the column's width
            raise InputError(f"not an export format: {fmt!r}")
        with self.engine.begin() as conn:
            export_id: int = conn.execute(
                text(
                    "INSERT INTO exports (actor, format, since, until, area, types, alerts) "
                    "VALUES (:by, :fmt, :since, :until, ST_GeomFromWKB(:area, 4326), :types, "
                    ":alerts) RETURNING id"
                ),
                {
                    "by": by,
                    "fmt": fmt,
                    "since": window[0],
                    "until": window[1],
                    "area": None if area is None else shapely.to_wkb(area),
                    "types": list(types),
                    "alerts": int(alerts),
                },
            ).scalar_one()
        return export_id

    def exports(self, limit: int = 50) -> pd.DataFrame:
        """The latest exports, newest first: ``id, created_at, actor, format, since, until,
        area`` (shapely, None for everywhere), ``types`` and ``alerts`` (how many)."""
        with self.engine.connect() as conn:
            frame = pd.read_sql(
                text(
                    "SELECT id, created_at, actor, format, since, until, ST_AsBinary(area) "
                    "AS area, types, alerts FROM exports ORDER BY created_at DESC, id DESC "
                    "LIMIT :limit"
                ),
                conn,
                params={"limit": limit},
            )
        frame["area"] = [None if a is None else shapely.from_wkb(bytes(a)) for a in frame["area"]]
        return frame

    # -- housekeeping ------------------------------------------------------------------

    def revision(self) -> tuple[str | None, str]:
        """The schema revision of the store, and the one this code expects."""
        return schema.current_revision(self.engine), schema.head_revision()

    def table_counts(self) -> dict[str, int]:
        """Exact row count of every Coastwatch table."""
        with self.engine.connect() as conn:
            present = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                ).scalars()
            )
            return {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in TABLES
                if table in present
            }

    def server_versions(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {
                "postgresql": conn.execute(text("SHOW server_version")).scalar_one(),
                "postgis": conn.execute(text("SELECT postgis_lib_version()")).scalar_one(),
            }

    # -- dashboard reads ---------------------------------------------------------------

    @staticmethod
    def _window_params(window: Window) -> dict[str, datetime]:
        since, until = window
        if since.tzinfo is None or until.tzinfo is None:
            raise InputError("time windows must be timezone-aware (UTC)")
        return {"since": since, "until": until}

    def source_activity(self, window: Window, last_minutes: int = 60) -> pd.DataFrame:
        """Per source of ``ais_positions`` (receiver, station or file name) in the window:
        ``last_position`` (its newest report) and ``positions``; over the window's last
        ``last_minutes``: ``last_hour`` (positions) and ``vessels_last_hour``; busiest first.
        (Vessels are counted over the last hour only: a distinct count over a busy day's
        millions of positions takes seconds.)"""
        bind: dict[str, Any] = self._window_params(window)
        bind["recent"] = window[1] - timedelta(minutes=last_minutes)
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "WITH totals AS (SELECT coalesce(nullif(source, ''), '(unknown)') AS source, "
                    "max(ts) AS last_position, count(*) AS positions, "
                    "count(*) FILTER (WHERE ts >= :recent) AS last_hour FROM ais_positions "
                    "WHERE ts >= :since AND ts < :until GROUP BY 1), "
                    "recent AS (SELECT coalesce(nullif(source, ''), '(unknown)') AS source, "
                    "count(DISTINCT mmsi) AS vessels_last_hour FROM ais_positions "
                    "WHERE ts >= greatest(:recent, :since) AND ts < :until GROUP BY 1) "
                    "SELECT t.*, coalesce(r.vessels_last_hour, 0) AS vessels_last_hour "
                    "FROM totals t LEFT JOIN recent r USING (source) "
                    "ORDER BY t.positions DESC, t.source"
                ),
                conn,
                params=bind,
            )

    def source_minutes(self, window: Window, last_minutes: int = 60) -> pd.DataFrame:
        """Positions per source and minute (``source, minute, positions``) over the last
        ``last_minutes`` of the window; minutes without any are absent."""
        bind: dict[str, Any] = self._window_params(window)
        bind["since"] = max(window[0], window[1] - timedelta(minutes=last_minutes))
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT coalesce(nullif(source, ''), '(unknown)') AS source, "
                    "date_trunc('minute', ts) AS minute, count(*) AS positions "
                    "FROM ais_positions WHERE ts >= :since AND ts < :until "
                    "GROUP BY 1, 2 ORDER BY 1, 2"
                ),
                conn,
                params=bind,
            )

    def rejections(self, window: Window | None = None) -> pd.DataFrame:
        """Rejected records (``quarantine``) per source and reason: ``source, reason,
        records, last_received``, most first; all of them when no window is given."""
        where, bind = "", {}
        if window is not None:
            where = "WHERE received_at >= :since AND received_at < :until"
            bind = self._window_params(window)
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT source, reason, count(*) AS records, max(received_at) AS "
                    f"last_received FROM quarantine {where} GROUP BY 1, 2 "
                    "ORDER BY records DESC, 1, 2"
                ),
                conn,
                params=bind,
            )

    def vessel_alerts(self, mmsi: int, window: Window | None = None) -> pd.DataFrame:
        """Every alert involving the vessel (going on during the window, when one is
        given), newest first, without its evidence."""
        where = "mmsi @> ARRAY[CAST(:m AS bigint)]"
        bind: dict[str, Any] = {"m": int(mmsi)}
        if window is not None:
            where += ' AND "start" < :until AND coalesce("end", \'infinity\') >= :since'
            bind.update(self._window_params(window))
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    'SELECT id, type, status, score, "start", "end", mmsi, score_reasons, '
                    "ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat "
                    f'FROM alerts WHERE {where} ORDER BY "start" DESC, id'
                ),
                conn,
                params=bind,
            )
