"""The rules, by name: each one module with one entry point, ``detect(tracks, ctx)``.

A new rule is a new module here and one line in :data:`RULES`.
"""

from __future__ import annotations

from alerts.rules import (
    ais_gap,
    identity_anomaly,
    loitering,
    sts_transfer,
    suspicious_landing,
    watchlist,
    zone_entry,
)
from alerts.rules.base import AlertRecord, Rule, RuleContext

__all__ = ["RULES", "RULE_VERSION", "AlertRecord", "RuleContext"]

#: Stored with every alert; bump when a rule's logic changes.
RULE_VERSION = "1"

RULES: dict[str, Rule] = {
    "sts_transfer": sts_transfer.detect,
    "loitering": loitering.detect,
    "ais_gap": ais_gap.detect,
    "suspicious_landing": suspicious_landing.detect,
    "zone_entry": zone_entry.detect,
    "identity_anomaly": identity_anomaly.detect,
    "watchlist": watchlist.detect,
}
