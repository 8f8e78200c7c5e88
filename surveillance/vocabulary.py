"""The closed lists of the domain: alert statuses, user roles, watchlist kinds, and the
fields of a vessel's broadcast identity.

Light on purpose (no SQLAlchemy): command-line options offer these as choices before any
command runs. :mod:`surveillance.models` builds its CHECK constraints from them. Alert types are
not closed: each registered rule brings one (:mod:`surveillance.alert_types`).
"""

__all__ = [
    "ALERT_STATUSES",
    "IDENTITY_FIELDS",
    "MISSION_KINDS",
    "MISSION_STATUSES",
    "POSITION_FIELDS",
    "RULE_EVENTS",
    "RULES_ACTOR",
    "SIGHTING_EVENT",
    "USER_ROLES",
    "WATCHLIST_KINDS",
]

ALERT_STATUSES = ("new", "acknowledged", "escalated", "dismissed", "closed")
#: What the rules record in an alert's history (``alert_events``) when late data changes
#: it: its time or score revised, withdrawn (no longer found; kept), reinstated (found again).
RULE_EVENTS = ("revised", "withdrawn", "reinstated")
RULES_ACTOR = "rules"
#: What a drone sighting that answers an alert records in its history (actor: the reporter).
SIGHTING_EVENT = "sighting"
#: Who may do what (surveillance/access.py); each is a PostgreSQL role ``coastwatch_<role>``.
USER_ROLES = ("monitor", "intel", "drone_operator", "analyst", "admin")
WATCHLIST_KINDS = ("mmsi", "imo", "callsign", "name")
#: What a drone mission flies (the planner's patterns; ``imported`` for a file read as it is)
#: and where it is in its life.
MISSION_KINDS = ("survey", "expanding_square", "sector", "intercept", "patrol", "orbit", "imported")
MISSION_STATUSES = ("planned", "uploaded", "started", "flown", "aborted")
#: What a vessel says of itself (AIS static data, export columns), as ``vessel_identities``
#: keeps it: the ingesters produce these fields, the store keeps their history.
IDENTITY_FIELDS = (
    "imo",
    "name",
    "callsign",
    "ship_type",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
)
#: What a position report says, as the ingesters hand it to the store (times in unix
#: seconds, lon/lat in degrees); a report without a payload is hashed from these.
POSITION_FIELDS = (
    "mmsi",
    "ts",
    "lon",
    "lat",
    "sog_knots",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
)
