"""The rule registry: a rule registered by name is an alert type, with its settings, its
colour and its version, and nothing else needs editing."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import Field

from alerts.rules import registered_rules
from surveillance import alert_types as registry
from surveillance.alert_types import RULES_GROUP, alert_types, check_alert_types, colour
from surveillance.errors import ConfigError, InputError
from surveillance.rule_settings import BaseRuleSettings, rule_settings_model
from surveillance.settings import load_settings

SHIPPED = (
    "ais_gap",
    "dark_rendezvous",
    "dark_vessel",
    "identity_anomaly",
    "lead_match",
    "loitering",
    "sts_transfer",
    "suspicious_landing",
    "watchlist",
    "zone_entry",
)


def _finds_nothing(tracks: object, ctx: object) -> list[object]:
    return []


def _forget() -> None:
    for cached in (registry._registered, registry.rule_modules, rule_settings_model):
        cached.cache_clear()


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., ModuleType]]:
    """Register a test-only rule module under a name, as a package's entry point would."""
    extra: list[EntryPoint] = []

    def installed(group: str) -> list[EntryPoint]:
        return [*entry_points(group=group), *(e for e in extra if e.group == group)]

    def add(name: str, declared: str | None = None, **attributes: object) -> ModuleType:
        module = ModuleType(f"tests_rule_{name}")
        declares = {"NAME": declared or name, "VERSION": "7", "detect": _finds_nothing}
        for key, value in {**declares, **attributes}.items():
            setattr(module, key, value)
        monkeypatch.setitem(sys.modules, module.__name__, module)
        extra.append(EntryPoint(name, module.__name__, RULES_GROUP))
        _forget()
        return module

    monkeypatch.setattr(registry, "entry_points", installed)
    _forget()
    yield add
    monkeypatch.undo()
    _forget()


class _DriftSettings(BaseRuleSettings):
    drift_min_duration_hours: float = Field(default=3.0, gt=0)


def test_the_shipped_rules_are_the_alert_types() -> None:
    assert alert_types() == SHIPPED
    rules = registered_rules()
    assert tuple(rules) == SHIPPED and all(r.version for r in rules.values())


def test_every_setting_belongs_to_the_base_or_to_exactly_one_rule() -> None:
    fields = set(rule_settings_model().model_fields)
    assert {"sts_max_distance_m", "loitering_exempt_ship_types", "gap_min_hours"} <= fields
    assert set(BaseRuleSettings.model_fields) <= fields


def test_a_rule_registered_under_a_new_name_flows_everywhere(
    register: Callable[..., ModuleType], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drift = register("drift", Settings=_DriftSettings, COLOUR="#123456")
    assert alert_types() == tuple(sorted((*SHIPPED, "drift")))
    check_alert_types(["drift", "loitering"])
    assert colour("drift") == "#123456"
    assert registered_rules()["drift"].version == "7"
    config = tmp_path / "coastwatch.toml"
    config.write_text("[rules]\ndrift_min_duration_hours = 5\nsts_max_distance_m = 400\n")
    monkeypatch.delenv("COASTWATCH_CONFIG", raising=False)
    settings = load_settings(config)
    assert settings.rules.of(drift.Settings).drift_min_duration_hours == 5.0
    assert settings.rules.of(_DriftSettings).sts_max_distance_m == 400.0
    assert settings.describe()["rules.drift_min_duration_hours"] == "5.0"


def test_types_past_the_shipped_ones_get_a_colour(register: Callable[..., ModuleType]) -> None:
    for name in ("alpha", "bravo", "charlie", "delta"):
        register(name)  # no COLOUR: one from the palette
    types = alert_types()
    assert len(types) == len(SHIPPED) + 4
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour(t)) for t in types)
    assert colour("alpha") == colour("alpha") and colour("not_installed_any_more")


def test_a_module_must_declare_the_name_it_is_registered_under(
    register: Callable[..., ModuleType],
) -> None:
    register("drift", declared="drifting")
    with pytest.raises(ConfigError, match="declares NAME 'drifting'"):
        registry.rule_modules()


def test_two_rules_cannot_own_one_setting(register: Callable[..., ModuleType]) -> None:
    class Twin(BaseRuleSettings):
        sts_max_distance_m: float = 1.0

    register("twin", Settings=Twin)
    with pytest.raises(ConfigError, match="both declare sts_max_distance_m"):
        rule_settings_model()


def test_an_unregistered_type_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InputError, match="not an alert type: ship_drift") as caught:
        check_alert_types(["loitering", "ship_drift"])
    assert "sts_transfer" in str(caught.value.hint)
