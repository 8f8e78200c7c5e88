"""Every threshold of the alert rules, with its unit in its name.

Set them in the TOML file under ``[rules]`` or with ``COASTWATCH_RULES__<NAME>``, e.g.
``COASTWATCH_RULES__STS_MAX_DISTANCE_M=400``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RuleSettings"]

#: Ship types (ITU) for which slow work at sea is the job: fishing, towing, dredging,
#: diving, military, pilot, search and rescue, tugs, port tenders, law enforcement.
_WORKBOATS = (30, 31, 32, 33, 34, 35, 50, 51, 52, 53, 55)


class RuleSettings(BaseModel):
    """Thresholds of the rules (DESIGN.md "Rules"); defaults follow the issue and GFW."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # track preparation
    resample_minutes: float = Field(default=10.0, gt=0)
    segment_max_gap_hours: float = Field(default=2.0, gt=0)
    max_implied_speed_knots: float = Field(default=50.0, gt=0)
    # sts_transfer
    sts_max_distance_m: float = Field(default=500.0, gt=0)
    sts_min_duration_hours: float = Field(default=2.0, gt=0)
    sts_max_speed_knots: float = Field(default=2.0, gt=0)
    sts_min_port_distance_km: float = Field(default=10.0, ge=0)
    # loitering
    loitering_max_speed_knots: float = Field(default=2.0, gt=0)
    loitering_min_duration_hours: float = Field(default=4.0, gt=0)
    loitering_min_shore_distance_nm: float = Field(default=20.0, ge=0)
    loitering_exempt_ship_types: tuple[int, ...] = _WORKBOATS
    # ais_gap
    gap_min_hours: float = Field(default=6.0, gt=0)
    gap_disabling_hours: float = Field(default=12.0, gt=0)
    gap_min_shore_distance_nm: float = Field(default=5.0, ge=0)
    gap_reception_window_hours: float = Field(default=1.0, gt=0)
    gap_min_reports_before: int = Field(default=6, ge=1)
    gap_coverage_cell_km: float = Field(default=5.0, gt=0)
    gap_min_covered_fraction: float = Field(default=0.9, ge=0, le=1)
    gap_neighbour_radius_km: float = Field(default=10.0, gt=0)
    # suspicious_landing
    landing_max_shore_distance_km: float = Field(default=1.0, gt=0)
    landing_min_stop_minutes: float = Field(default=10.0, gt=0)
    landing_max_speed_knots: float = Field(default=2.0, gt=0)
    landing_min_offshore_km: float = Field(default=5.0, gt=0)
    landing_approach_hours: float = Field(default=3.0, gt=0)
    landing_small_craft_max_length_m: float = Field(default=24.0, gt=0)
    # zone_entry
    zone_kinds: tuple[str, ...] = ("territorial_sea", "restricted")
    zone_files: tuple[Path, ...] = ()
    watch_flags: tuple[str, ...] = ("KP", "IR", "SY")
    watch_ship_types: tuple[int, ...] = ()
    # identity_anomaly
    identity_min_jump_km: float = Field(default=10.0, gt=0)
    identity_two_places_min_jumps: int = Field(default=4, ge=2)
    identity_episode_gap_hours: float = Field(default=1.0, gt=0)
    identity_min_inland_km: float = Field(default=2.0, gt=0)
    identity_min_land_reports: int = Field(default=6, ge=1)
    # watchlist
    watchlist_name_min_similarity_pct: float = Field(default=90.0, ge=0, le=100)
    # engine
    detect_context_hours: float = Field(default=12.0, ge=0)
    detect_follow_interval_s: float = Field(default=30.0, gt=0)
    detect_follow_lookback_hours: float = Field(default=24.0, gt=0)
    alert_merge_gap_hours: float = Field(default=2.0, ge=0)
    repeat_lookback_days: float = Field(default=30.0, ge=0)
