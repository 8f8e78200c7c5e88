"""The settings of the alert rules, with units in their names, built from the registered rules.

:class:`BaseRuleSettings` holds what the engine and the track preparation need and what the
engine hands every rule (zones, watched flags, watchlist matching); each rule module adds
its own thresholds with a ``Settings`` subclass of it. :func:`rule_settings_model` combines
the registered rules' classes into one flat model, so every key keeps one name: set them in
the TOML file under ``[rules]`` or with ``COASTWATCH_RULES__<NAME>``, e.g.
``COASTWATCH_RULES__STS_MAX_DISTANCE_M=400``; an unknown key is an error.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from surveillance.alert_types import rule_modules
from surveillance.errors import ConfigError

__all__ = ["BaseRuleSettings", "rule_settings_model"]

_Part = TypeVar("_Part", bound="BaseRuleSettings")


class BaseRuleSettings(BaseModel):
    """Thresholds of the engine and the track preparation (DESIGN.md "Rules"); defaults
    follow the issue and GFW."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # track preparation
    resample_minutes: float = Field(default=10.0, gt=0)
    segment_max_gap_hours: float = Field(default=2.0, gt=0)
    max_implied_speed_knots: float = Field(default=50.0, gt=0)
    identity_min_jump_km: float = Field(default=10.0, gt=0)
    # what every rule is given: zones, watched flags, watchlist matches
    zone_kinds: tuple[str, ...] = ("territorial_sea", "restricted")
    zone_files: tuple[Path, ...] = ()
    watch_flags: tuple[str, ...] = ("KP", "IR", "SY")
    watchlist_name_min_similarity_pct: float = Field(default=90.0, ge=0, le=100)
    # learnt maps (alerts/coverage.py, alerts/anchorages.py), kept by every detect
    coverage_cell_deg: float = Field(default=0.05, gt=0, le=1)
    coverage_window_days: float = Field(default=14.0, gt=0)
    anchorage_stopped_max_knots: float = Field(default=0.5, gt=0)
    anchorage_stopped_min_hours: float = Field(default=2.0, gt=0)
    anchorage_min_vessels: int = Field(default=5, ge=1)
    # a station (or the whole feed) silent after an hour it heard this many is an outage
    outage_min_vessels: int = Field(default=3, ge=1)
    # engine
    detect_context_hours: float = Field(default=12.0, ge=0)
    detect_follow_interval_s: float = Field(default=30.0, gt=0)
    detect_follow_lookback_hours: float = Field(default=24.0, gt=0)
    #: each follow cycle re-reads reports this much older than the newest it holds (late
    #: arrivals); a full run over the look-back every ``detect_follow_refresh_hours``
    #: takes in those later still
    detect_follow_lateness_minutes: float = Field(default=10.0, ge=0)
    detect_follow_refresh_hours: float = Field(default=1.0, gt=0)
    #: a long window runs slice by slice (each with its context before it), each slice no
    #: longer than this and short enough that its positions fit ``detect_memory_budget_mb``
    detect_slice_hours: float = Field(default=24.0, gt=0)
    detect_memory_budget_mb: float = Field(default=4096.0, gt=0)
    #: spatial tiles of a partitioned run, in degrees (unset: one tile in process; on a
    #: scheduler, about four tiles per worker); each reads the vessels within
    #: ``detect_halo_km`` of it, which must exceed the farthest a rule looks from an alert's
    #: point (the pair distances, the "others heard" radius, an encounter's drift)
    detect_tile_deg: float | None = Field(default=None, gt=0)
    detect_halo_km: float = Field(default=30.0, gt=0)
    alert_merge_gap_hours: float = Field(default=2.0, ge=0)
    repeat_lookback_days: float = Field(default=30.0, ge=0)

    def of(self, part: type[_Part]) -> _Part:
        """These settings as one rule's ``Settings`` (the combined model is a subclass of
        every registered rule's)."""
        if not isinstance(self, part):
            raise ConfigError(f"the rule settings in force have no {part.__module__} part")
        return self


@cache
def rule_settings_model() -> type[BaseRuleSettings]:
    """One flat model of the base settings and every registered rule's ``Settings``."""
    parts: list[type[BaseRuleSettings]] = []
    owner: dict[str, str] = {}
    for name, module in rule_modules().items():
        part = getattr(module, "Settings", None)
        if part is None:
            continue
        if not (isinstance(part, type) and issubclass(part, BaseRuleSettings)):
            raise ConfigError(f"rule {name!r}: Settings must subclass BaseRuleSettings")
        for field in set(part.model_fields) - set(BaseRuleSettings.model_fields):
            if owner.setdefault(field, name) != name:
                raise ConfigError(f"rules {owner[field]!r} and {name!r} both declare {field}")
        parts.append(part)
    return create_model(  # pydantic lists the fields of the last base first
        "RuleSettings",
        __base__=tuple(reversed(parts)) or (BaseRuleSettings,),
        __module__=__name__,
        __doc__="Thresholds of the engine, the track preparation and every registered rule.",
    )


def __getattr__(name: str) -> Any:
    """``RuleSettings``: the combined model, built on first use (it imports the rules)."""
    if name == "RuleSettings":
        return rule_settings_model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
