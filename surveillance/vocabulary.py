"""The closed lists of the domain: alert types and statuses, user roles, watchlist kinds.

Light on purpose (no SQLAlchemy): command-line options offer these as choices before any
command runs. :mod:`surveillance.models` builds its CHECK constraints from them.
"""

__all__ = ["ALERT_TYPES", "ALERT_STATUSES", "USER_ROLES", "WATCHLIST_KINDS"]

ALERT_TYPES = (
    "sts_transfer",
    "loitering",
    "ais_gap",
    "dark_rendezvous",
    "suspicious_landing",
    "dark_vessel",
    "zone_entry",
    "identity_anomaly",
    "lead_match",
    "watchlist",
)
ALERT_STATUSES = ("new", "acknowledged", "escalated", "dismissed", "closed")
USER_ROLES = ("admin", "monitor", "officer", "operator", "analyst")
WATCHLIST_KINDS = ("mmsi", "imo", "callsign", "name")
