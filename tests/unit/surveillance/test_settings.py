import os
from pathlib import Path

import pytest

from alerts.rules import ais_gap, loitering, sts_transfer
from surveillance.errors import ConfigError
from surveillance.settings import load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "COASTWATCH_CONFIG",
        "COASTWATCH_DATABASE_URL",
        "COASTWATCH_HOME",
        "COASTWATCH_TERRITORIAL_SEA_NM",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith("COASTWATCH_RULES__")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coastwatch.toml"
    path.write_text(text)
    return path


def test_defaults_cover_the_seas_around_japan() -> None:
    settings = load_settings()
    assert settings.aoi_bbox_deg == (122.0, 24.0, 150.0, 46.0)
    assert settings.embedded


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_toml(tmp_path, "territorial_sea_nm = 10.0\nport_area_radius_km = 5.0\n")
    assert load_settings(config).territorial_sea_nm == 10.0
    monkeypatch.setenv("COASTWATCH_TERRITORIAL_SEA_NM", "11")
    from_env = load_settings(config)
    assert (from_env.territorial_sea_nm, from_env.port_area_radius_km) == (11.0, 5.0)
    assert load_settings(config, territorial_sea_nm=9.0).territorial_sea_nm == 9.0


def test_retention_keeps_all_unless_told_and_archives_under_home(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "state")
    assert settings.retention_days is None
    assert settings.archive_path == tmp_path / "state" / "archive"
    config = write_toml(tmp_path, f"retention_days = 30\narchive_dir = '{tmp_path}/cold'\n")
    told = load_settings(config)
    assert (told.retention_days, told.archive_path) == (30, tmp_path / "cold")
    with pytest.raises(ConfigError, match="retention_days"):
        load_settings(retention_days=0)


def test_config_file_named_in_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COASTWATCH_CONFIG", str(write_toml(tmp_path, 'aoi_name = "tsushima"\n')))
    assert load_settings().aoi_name == "tsushima"


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("aoi_bbox_deg = [150, 24, 122, 46]", "aoi_bbox_deg"),
        ("territorial_sea_nm = -1", "territorial_sea_nm"),
        ("contiguous_zone_nm = 6", "contiguous_zone_nm must be larger"),
        ("no_such_setting = 1", "no_such_setting"),
        ("[rules]\nno_such_threshold_m = 1", "rules.no_such_threshold_m"),
        ("[rules]\nsts_max_distance_m = -5", "rules.sts_max_distance_m"),
        ("aoi_name = 'Bad Name!'", "aoi_name"),
        ("territorial_sea_nm = ", "cannot read the config file"),
    ],
)
def test_bad_settings_name_the_problem(tmp_path: Path, text: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        load_settings(write_toml(tmp_path, text))


def test_secrets_are_masked_when_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", "postgresql://cw:s3cret@db.example/cw")
    shown = load_settings().describe()
    assert shown["database_url"] == "postgresql://cw:***@db.example/cw"
    assert "s3cret" not in str(shown)


def test_rule_thresholds_from_file_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_toml(tmp_path, "[rules]\nsts_max_distance_m = 400\nresample_minutes = 5\n")
    monkeypatch.setenv("COASTWATCH_RULES__GAP_MIN_HOURS", "8")
    monkeypatch.setenv("COASTWATCH_RULES__LOITERING_EXEMPT_SHIP_TYPES", "[30, 52]")
    rules = load_settings(config).rules
    assert (rules.of(sts_transfer.Settings).sts_max_distance_m, rules.resample_minutes) == (400, 5)
    assert rules.of(ais_gap.Settings).gap_min_hours == 8.0
    assert rules.of(loitering.Settings).loitering_exempt_ship_types == (30, 52)


def test_every_rule_threshold_is_shown_with_its_default() -> None:
    shown = load_settings().describe()
    assert shown["rules.sts_max_distance_m"] == "500.0"
    assert shown["rules.landing_min_stop_minutes"] == "10.0"
    assert shown["rules.detect_context_hours"] == "12.0"
