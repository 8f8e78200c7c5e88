"""The store's tables as typed SQLAlchemy 2 / GeoAlchemy2 models (EPSG:4326 at rest).

The Alembic migrations in ``surveillance/migrations`` own the schema; a test checks that
these models and the migrated database agree. ``ais_positions`` is range-partitioned by
day on ``ts``; partitions are created on demand by the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from surveillance.vocabulary import (
    ALERT_STATUSES,
    MISSION_KINDS,
    MISSION_STATUSES,
    USER_ROLES,
    WATCHLIST_KINDS,
)

__all__ = [
    "Base",
    "Vessel",
    "VesselIdentity",
    "AisPosition",
    "AisStation",
    "Scene",
    "Detection",
    "DroneTelemetry",
    "Mission",
    "Lead",
    "LeadSighting",
    "Port",
    "Zone",
    "Alert",
    "AlertEvent",
    "User",
    "AuditLog",
    "Quarantine",
    "ReferenceDataset",
    "WatchlistEntry",
    "Export",
    "ReceptionHour",
    "AnchorageStop",
    "Anchorage",
    "ALERT_STATUSES",
    "USER_ROLES",
    "WATCHLIST_KINDS",
]

SRID = 4326


def _tz() -> DateTime:
    return DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


class Vessel(Base):
    """A vessel's latest static identity, keyed by MMSI; ``updated_at`` is when it was sent."""

    __tablename__ = "vessels"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    imo: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    callsign: Mapped[str | None] = mapped_column(String(16))
    ship_type: Mapped[int | None] = mapped_column(SmallInteger)
    flag: Mapped[str | None] = mapped_column(String(2))
    length_m: Mapped[float | None] = mapped_column(Float)
    beam_m: Mapped[float | None] = mapped_column(Float)
    draught_m: Mapped[float | None] = mapped_column(Float)
    destination: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)

    __table_args__ = (
        CheckConstraint("mmsi BETWEEN 0 AND 999999999", name="ck_vessels_mmsi"),
        Index("ix_vessels_imo", "imo"),
        Index("ix_vessels_name", "name"),
    )


class VesselIdentity(Base):
    """Every identity a vessel has broadcast, from when it was first seen: the history."""

    __tablename__ = "vessel_identities"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    mmsi: Mapped[int] = mapped_column(BigInteger, nullable=False)
    valid_from: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    imo: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    callsign: Mapped[str | None] = mapped_column(String(16))
    ship_type: Mapped[int | None] = mapped_column(SmallInteger)
    length_m: Mapped[float | None] = mapped_column(Float)
    beam_m: Mapped[float | None] = mapped_column(Float)
    draught_m: Mapped[float | None] = mapped_column(Float)
    destination: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("mmsi", "valid_from", name="uq_vessel_identities_mmsi_valid_from"),
    )


class AisPosition(Base):
    """One position report; partitioned by day on ``ts``. (mmsi, ts, report_hash) makes
    ingest idempotent and keeps distinct reports of one MMSI and second apart (two
    transmitters on one MMSI); ``station`` is the receiving station, when known."""

    __tablename__ = "ais_positions"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ts: Mapped[datetime] = mapped_column(_tz(), primary_key=True)
    #: the payload's hash (NMEA) or the report fields' (CSV): the same report, heard twice,
    #: has the same one
    report_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=False
    )
    sog_knots: Mapped[float | None] = mapped_column(REAL)
    cog_deg: Mapped[float | None] = mapped_column(REAL)
    heading_deg: Mapped[int | None] = mapped_column(SmallInteger)
    nav_status: Mapped[int | None] = mapped_column(SmallInteger)
    msg_type: Mapped[int | None] = mapped_column(SmallInteger)
    source: Mapped[str | None] = mapped_column(String(64))
    station: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_ais_positions_geom", "geom", postgresql_using="gist"),
        Index("ix_ais_positions_ts", "ts", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (ts)"},
    )


class AisStation(Base):
    """A fixed AIS station heard on the feed: a base station (type 4) or an aid to
    navigation (type 21); reference points for coverage and for spoofing checks."""

    __tablename__ = "ais_stations"

    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    name: Mapped[str | None] = mapped_column(String(64))
    aid_type: Mapped[int | None] = mapped_column(SmallInteger)
    flag: Mapped[str | None] = mapped_column(String(2))
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=False
    )
    last_seen: Mapped[datetime] = mapped_column(_tz(), nullable=False)

    __table_args__ = (
        CheckConstraint(
            _in("kind", ("base_station", "aid_to_navigation")), name="ck_ais_stations_kind"
        ),
        Index("ix_ais_stations_geom", "geom", postgresql_using="gist"),
    )


class Scene(Base):
    """A satellite scene: where and when it looked, how, and which file it came from."""

    __tablename__ = "scenes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    uri: Mapped[str] = mapped_column(Text, nullable=False)
    sensor: Mapped[str | None] = mapped_column(String(32))
    acquired_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    footprint: Mapped[WKBElement] = mapped_column(
        Geometry("POLYGON", srid=SRID, spatial_index=False), nullable=False
    )
    ingested_at: Mapped[datetime] = mapped_column(_tz(), server_default=func.now())
    product: Mapped[str | None] = mapped_column(Text)  # the SAFE name, or the file's
    platform: Mapped[str | None] = mapped_column(String(32))  # e.g. Sentinel-1B
    mode: Mapped[str | None] = mapped_column(String(16))  # IW, EW, SM, ...
    polarisations: Mapped[str | None] = mapped_column(String(32))  # e.g. "VV" or "VV,VH"
    pixel_spacing_m: Mapped[float | None] = mapped_column(Float)
    width_px: Mapped[int | None] = mapped_column(Integer)
    height_px: Mapped[int | None] = mapped_column(Integer)
    orbit_number: Mapped[int | None] = mapped_column(Integer)
    orbit_pass: Mapped[str | None] = mapped_column(String(16))  # ASCENDING, DESCENDING
    #: an 8-bit PNG of the scene warped to lon/lat over the footprint's bounds, for the map
    quicklook_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")

    __table_args__ = (
        CheckConstraint(_in("sensor", ("sar", "optical")), name="ck_scenes_sensor"),
        Index("ix_scenes_footprint", "footprint", postgresql_using="gist"),
        Index("ix_scenes_acquired_at", "acquired_at"),
    )


class Detection(Base):
    """A vessel seen by a sensor other than AIS (SAR, optical, drone), and what AIS says of it."""

    __tablename__ = "detections"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    scene_id: Mapped[int | None] = mapped_column(ForeignKey("scenes.id", ondelete="CASCADE"))
    ts: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=False
    )
    length_m: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    matched_mmsi: Mapped[int | None] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    width_m: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)  # long axis, from true north
    pixel_row: Mapped[float | None] = mapped_column(Float)  # in the scene's pixels
    pixel_col: Mapped[float | None] = mapped_column(Float)
    coast_distance_m: Mapped[float | None] = mapped_column(Float)
    chip_png: Mapped[bytes | None] = mapped_column(LargeBinary)  # the evidence image
    #: set by matching against AIS: the distance to the matched vessel's predicted position,
    #: whether no AIS vessel could have been there, and the nearest AIS vessels
    match_distance_m: Mapped[float | None] = mapped_column(Float)
    dark: Mapped[bool | None] = mapped_column(Boolean)
    near_vessels: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, server_default="[]")
    matched_at: Mapped[datetime | None] = mapped_column(_tz())
    #: a drone sighting: the mission it was seen on, the alert it answers, the operator's
    #: note and photo (the file as given), and who reported it
    mission_id: Mapped[int | None] = mapped_column(
        ForeignKey("missions.id", ondelete="SET NULL", name="fk_detections_mission_id")
    )
    alert_id: Mapped[str | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL", name="fk_detections_alert_id")
    )
    drone_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_name: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(_in("source", ("sar", "optical", "drone")), name="ck_detections_source"),
        Index("ix_detections_geom", "geom", postgresql_using="gist"),
        Index("ix_detections_ts", "ts"),
        Index("ix_detections_scene_id", "scene_id"),
        Index("ix_detections_alert_id", "alert_id"),
    )


class DroneTelemetry(Base):
    """One telemetry sample of a drone."""

    __tablename__ = "drone_telemetry"

    drone_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ts: Mapped[datetime] = mapped_column(_tz(), primary_key=True)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=False
    )
    altitude_m: Mapped[float | None] = mapped_column(Float)
    groundspeed_mps: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    battery_pct: Mapped[float | None] = mapped_column(Float)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id", ondelete="SET NULL"))
    system_id: Mapped[int | None] = mapped_column(Integer)  # the MAVLink system id
    mission_seq: Mapped[int | None] = mapped_column(Integer)  # MISSION_CURRENT
    reached_seq: Mapped[int | None] = mapped_column(Integer)  # MISSION_ITEM_REACHED
    mode: Mapped[str | None] = mapped_column(String(32))
    armed: Mapped[bool | None] = mapped_column(Boolean)
    link: Mapped[str | None] = mapped_column(Text)  # the connection or log it came from

    __table_args__ = (
        Index("ix_drone_telemetry_geom", "geom", postgresql_using="gist"),
        Index("ix_drone_telemetry_ts", "ts"),
    )


class Mission(Base):
    """A planned drone mission: a survey of an area or an intercept of an alert."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="planned")
    drone_id: Mapped[str | None] = mapped_column(String(64))
    alert_id: Mapped[str | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    area: Mapped[WKBElement | None] = mapped_column(
        Geometry("POLYGON", srid=SRID, spatial_index=False)
    )
    route: Mapped[WKBElement | None] = mapped_column(
        Geometry("LINESTRINGZ", srid=SRID, spatial_index=False)
    )
    waypoints: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(_tz(), server_default=func.now())
    #: the whole plan as a QGroundControl ``.plan`` document (mission, fence, rally points)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    home: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False)
    )
    home_alt_m: Mapped[float | None] = mapped_column(Float)
    min_alt_m: Mapped[float | None] = mapped_column(Float)
    max_alt_m: Mapped[float | None] = mapped_column(Float)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # area, distance, time, photos
    planned_start: Mapped[datetime | None] = mapped_column(_tz())
    planned_end: Mapped[datetime | None] = mapped_column(_tz())
    uploaded_at: Mapped[datetime | None] = mapped_column(_tz())
    uploaded_to: Mapped[str | None] = mapped_column(Text)  # the MAVLink connection
    system_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(_in("kind", MISSION_KINDS), name="ck_missions_kind"),
        CheckConstraint(_in("status", MISSION_STATUSES), name="ck_missions_status"),
        Index("ix_missions_area", "area", postgresql_using="gist"),
        Index("ix_missions_planned_start", "planned_start"),
    )


class Lead(Base):
    """A web-crawled lead (forum post, market listing): sensitive. One text, known by the hash
    of its normalised text; the URLs it was read at are its :class:`LeadSighting` rows."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    url: Mapped[str] = mapped_column(Text, nullable=False)  # where it was first read
    fetched_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(_tz())
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False)
    )
    content_hash: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False, server_default="0")
    #: ``[{kind, value, text, start, end, confidence}]``, spans in ``body``
    entities: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]"
    )
    mmsi: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), nullable=False, server_default="{}")
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    last_seen_at: Mapped[datetime | None] = mapped_column(_tz())

    __table_args__ = (
        UniqueConstraint("content_hash", name="uq_leads_content_hash"),
        Index("ix_leads_geom", "geom", postgresql_using="gist"),
        Index("ix_leads_published_at", "published_at"),
        Index("ix_leads_fetched_at", "fetched_at"),
        Index("ix_leads_mmsi", "mmsi", postgresql_using="gin"),
    )


class LeadSighting(Base):
    """One URL a lead was read at (a mirror, a re-post; ``near``: a near-duplicate)."""

    __tablename__ = "lead_sightings"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False
    )
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    content_hash: Mapped[str] = mapped_column(Text, nullable=False)
    near: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    fetched_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(_tz())

    __table_args__ = (
        UniqueConstraint("url", "content_hash", name="uq_lead_sightings_url_hash"),
        Index("ix_lead_sightings_lead_id", "lead_id"),
    )


class Port(Base):
    """A seaport, keyed by its UN/LOCODE."""

    __tablename__ = "ports"

    locode: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    country: Mapped[str | None] = mapped_column(String(64))
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("POINT", srid=SRID, spatial_index=False), nullable=False
    )

    __table_args__ = (Index("ix_ports_geom", "geom", postgresql_using="gist"),)


class Zone(Base):
    """An area: land, territorial sea, contiguous zone, port area, restricted area..."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    aoi: Mapped[str] = mapped_column(String(64), nullable=False)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=False
    )
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")

    __table_args__ = (
        UniqueConstraint("aoi", "kind", "name", name="uq_zones_aoi_kind_name"),
        Index("ix_zones_geom", "geom", postgresql_using="gist"),
    )


class Alert(Base):
    """An alert; its id is deterministic from rule, vessels and start. Its type is that of
    a registered rule (checked on write, surveillance.alert_types), so a new rule needs no
    migration."""

    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="new")
    score: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    start: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    end: Mapped[datetime | None] = mapped_column(_tz())
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("GEOMETRY", srid=SRID, spatial_index=False), nullable=False
    )
    mmsi: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), nullable=False, server_default="{}")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")
    score_reasons: Mapped[list[Any]] = mapped_column(JSONB, nullable=False, server_default="[]")
    rule_version: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(_tz(), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(_tz(), server_default=func.now())
    #: the data time the rules had reached when they last changed it (later: still going on)
    seen_until: Mapped[datetime | None] = mapped_column(_tz())
    #: set when a later run no longer finds it (late data); kept, never deleted
    withdrawn_at: Mapped[datetime | None] = mapped_column(_tz())

    __table_args__ = (
        CheckConstraint(_in("status", ALERT_STATUSES), name="ck_alerts_status"),
        CheckConstraint("score BETWEEN 0 AND 100", name="ck_alerts_score"),
        Index("ix_alerts_geom", "geom", postgresql_using="gist"),
        Index("ix_alerts_start", "start"),
        Index("ix_alerts_status_score", "status", "score"),
        Index("ix_alerts_mmsi", "mmsi", postgresql_using="gin"),
    )


class AlertEvent(Base):
    """The audit trail: every analyst action on an alert, with who, when and a note, and
    what the rules revised in it (actor ``rules``, see vocabulary.RULE_EVENTS)."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False
    )
    ts: Mapped[datetime] = mapped_column(_tz(), nullable=False, server_default=func.now())
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_alert_events_alert_id_ts", "alert_id", "ts"),)


class User(Base):
    """Someone who uses Coastwatch, with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(_tz(), server_default=func.now())
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id; the owner reads it
    db_role: Mapped[str | None] = mapped_column(String(63))  # its PostgreSQL login role
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(_tz())
    last_login_at: Mapped[datetime | None] = mapped_column(_tz())
    password_set_at: Mapped[datetime | None] = mapped_column(_tz())

    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="ck_users_role"),)


class AuditLog(Base):
    """The append-only audit log: logins, alert actions, exports, user changes, uploads.
    The database fills id, ts, db_user and the hash chain (migration 0011's trigger);
    nobody may change or remove a row."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(
        _tz(), nullable=False, server_default=text("clock_timestamp()")
    )
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    db_user: Mapped[str] = mapped_column(
        String(63), nullable=False, server_default=text("CURRENT_USER")
    )
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("ix_audit_log_ts", "ts"),
        Index("ix_audit_log_actor_ts", "actor", "ts"),
    )


class Quarantine(Base):
    """A rejected input record, kept with the reason it was rejected: never silently lost."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(128), nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False)
    raw: Mapped[str] = mapped_column(Text, nullable=False)
    raw_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("source", "reason", "raw_sha256", name="uq_quarantine_source_reason_raw"),
        Index("ix_quarantine_reason", "reason"),
    )


class ReferenceDataset(Base):
    """Which reference data (geography of an area of operations) is loaded, and its hash."""

    __tablename__ = "reference_datasets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    loaded_at: Mapped[datetime] = mapped_column(_tz(), nullable=False, server_default=func.now())
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default="{}")


class WatchlistEntry(Base):
    """A vessel of interest by MMSI, IMO, call sign or name (values stored normalised)."""

    __tablename__ = "watchlist"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[str] = mapped_column(String(128), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(64), nullable=False)
    added_at: Mapped[datetime] = mapped_column(_tz(), nullable=False, server_default=func.now())

    __table_args__ = (
        CheckConstraint(_in("kind", WATCHLIST_KINDS), name="ck_watchlist_kind"),
        UniqueConstraint("kind", "value", name="uq_watchlist_kind_value"),
    )


class Export(Base):
    """One report export (``coastwatch report`` or a dashboard download): who, what, when."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    since: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    until: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    area: Mapped[WKBElement | None] = mapped_column(
        Geometry("GEOMETRY", srid=SRID, spatial_index=False)
    )
    types: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    alerts: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(_tz(), nullable=False, server_default=func.now())


class ReceptionHour(Base):
    """The reception map: messages heard in one grid cell by one station in one hour
    (``station`` is ``'all'`` when the feed does not say); rewritten by each ``detect``
    from the positions of its window, so a rerun changes nothing."""

    __tablename__ = "reception_hours"

    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[datetime] = mapped_column(_tz(), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index("ix_reception_hours_hour", "hour"),)


class StationHour(Base):
    """Distinct vessels one station heard in one hour (``'(whole feed)'``: every station
    together): a station falls silent as an outage only after an hour it heard many."""

    __tablename__ = "station_hours"

    station: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[datetime] = mapped_column(_tz(), primary_key=True)
    vessels: Mapped[int] = mapped_column(Integer, nullable=False)


class AnchorageStop(Base):
    """A vessel seen stopped in a grid cell: the evidence anchorages are learnt from."""

    __tablename__ = "anchorage_stops"

    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)
    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_stop: Mapped[datetime] = mapped_column(_tz(), nullable=False)
    last_stop: Mapped[datetime] = mapped_column(_tz(), nullable=False)


class Anchorage(Base):
    """A learnt anchorage: a grid cell where many distinct vessels have stopped."""

    __tablename__ = "anchorages"

    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    vessels: Mapped[int] = mapped_column(Integer, nullable=False)
    last_stop: Mapped[datetime] = mapped_column(_tz(), nullable=False)
