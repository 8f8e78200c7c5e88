"""One typed settings object, built once at the edge and passed down.

Precedence, lowest first: defaults, the TOML file (``--config``, ``COASTWATCH_CONFIG`` or
``~/.config/coastwatch/coastwatch.toml``), environment variables ``COASTWATCH_*``, CLI flags.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from surveillance.errors import ConfigError
from surveillance.redaction import mask_secrets
from surveillance.rule_settings import BaseRuleSettings, rule_settings_model

__all__ = ["Settings", "load_settings", "default_config_file"]

#: West, south, east, north in degrees (EPSG:4326): the seas around Japan.
DEFAULT_AOI_BBOX = (122.0, 24.0, 150.0, 46.0)


def default_config_file() -> Path:
    """Where the TOML file is looked for when neither flag nor environment names one."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "coastwatch" / "coastwatch.toml"


def _default_home() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "coastwatch"


class Settings(BaseSettings):
    """Everything Coastwatch can be told; units are in the names."""

    model_config = SettingsConfigDict(
        env_prefix="COASTWATCH_", env_nested_delimiter="__", extra="forbid"
    )

    home: Path = Field(default_factory=_default_home, description="state: cluster, caches")
    database_url: SecretStr | None = Field(
        default=None, description="an external PostGIS; unset means the embedded cluster"
    )
    pg_bindir: Path | None = Field(default=None, description="PostgreSQL server binaries")
    server_os_user: str = Field(
        default="coastwatch",
        description="unprivileged system user the embedded server runs as under root",
    )
    embedded_port: int = Field(default=54329, ge=1024, le=65535)
    embedded_fsync: bool = Field(
        default=True, description="off only for throwaway clusters (the test session)"
    )
    scheduler: str | None = Field(
        default=None,
        description="a Dask scheduler (tcp://HOST:PORT) that `detect` runs the rules on "
        "(unset: in process)",
    )
    aoi_name: str = "japan"
    aoi_bbox_deg: tuple[float, float, float, float] = DEFAULT_AOI_BBOX
    coastline_resolution: Literal["h", "f"] = "h"
    territorial_sea_nm: float = Field(default=12.0, gt=0)
    contiguous_zone_nm: float = Field(default=24.0, gt=0)
    port_area_radius_km: float = Field(default=3.0, gt=0)
    #: Validated against every registered rule's settings (see :func:`load_settings`).
    rules: BaseRuleSettings = Field(default_factory=lambda: rule_settings_model()())
    retention_days: int | None = Field(
        default=None,
        ge=1,
        description="days of positions the store keeps; older days go to `db archive` "
        "(unset: keep all)",
    )
    archive_dir: Path | None = Field(
        default=None, description="where `db archive` writes GeoParquet (unset: HOME/archive)"
    )
    tile_url: str | None = Field(
        default=None,
        description="optional XYZ tile server for the dashboard's base map (online)",
    )
    drone_no_fly: tuple[Path, ...] = Field(
        default=(),
        description="GeoJSON files of no-fly polygons every drone plan keeps out of "
        "(airports are added)",
    )
    login_lock_after: int = Field(
        default=5, ge=1, description="failed logins in a row that lock a user for a while"
    )
    login_lock_minutes: float = Field(default=15.0, gt=0, description="how long a lock lasts")
    login_delay_s: float = Field(
        default=0.5,
        ge=0,
        description="the pause after a failed login, doubled with each failure (at most 8 s)",
    )
    session_idle_minutes: float = Field(
        default=30.0, gt=0, description="a dashboard session ends after this long idle"
    )
    session_max_hours: float = Field(
        default=12.0, gt=0, description="and after this long in any case"
    )
    crawl_timeout_s: float = Field(
        default=30.0, gt=0, description="a clear-web response must arrive within this"
    )
    crawl_onion_timeout_s: float = Field(
        default=180.0, gt=0, description="the same through Tor (slow circuits are expected)"
    )
    crawl_max_page_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="larger responses are refused (a reject)"
    )
    crawl_warn_page_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="larger responses are logged"
    )
    crawl_delay_s: float = Field(
        default=1.0, ge=0, description="the least pause between requests to one host"
    )
    crawl_concurrency_per_host: int = Field(
        default=2, ge=1, description="requests in flight to one host at once"
    )
    crawl_max_redirects: int = Field(
        default=5, ge=0, description="redirects followed before a page counts as a loop"
    )
    crawl_retries: int = Field(default=2, ge=0, description="retries of a failed clear-web fetch")
    crawl_onion_retries: int = Field(default=5, ge=0, description="and of an onion fetch")
    crawl_max_pages: int = Field(
        default=500, ge=1, description="pages per source when the source gives no max_pages"
    )
    # Tor for the crawler (crawler/tor.py, crawler/circuits.py).
    tor_mode: Literal["own", "running"] = Field(
        default="own",
        description="own: the crawl starts a private tor (Debian's `tor`); running: it uses "
        "the Tor at tor_socks_url",
    )
    tor_socks_url: str = Field(
        default="socks5h://127.0.0.1:9050",
        pattern=r"^socks5h?://[^/\s]+:[0-9]{1,5}$",
        description="the SocksPort of a running Tor (tor_mode = running)",
    )
    tor_control_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="the ControlPort of a running Tor, for new circuits (unset: none asked)",
    )
    tor_control_password: SecretStr | None = Field(
        default=None,
        description="its control password (COASTWATCH_TOR_CONTROL_PASSWORD); unset: cookie",
    )
    tor_binary: str = Field(default="tor", description="the program an own Tor runs")
    tor_network: bool = Field(
        default=True,
        description="off: an own Tor starts with DisableNetwork 1 (offline checks only)",
    )
    tor_bootstrap_timeout_s: float = Field(
        default=300.0, gt=0, description="how long an own Tor may take to bootstrap"
    )
    tor_newnym_after_failures: int = Field(
        default=3, ge=1, description="failures in a row on the Tor route before a new circuit"
    )
    tor_newnym_interval_s: float = Field(
        default=10.0, ge=0, description="the least pause between two NEWNYM (Tor's own: 10 s)"
    )
    crawl_retry_backoff_s: float = Field(
        default=2.0, ge=0, description="the pause before a retry, doubled at each retry"
    )
    crawl_retry_backoff_max_s: float = Field(
        default=120.0, ge=0, description="the longest pause before a retry"
    )

    @field_validator("home", "archive_dir")
    @classmethod
    def _absolute_path(cls, path: Path | None) -> Path | None:
        return None if path is None else path.expanduser().resolve()

    @field_validator("database_url", mode="before")
    @classmethod
    def _empty_url_is_none(cls, url: object) -> object:
        return None if isinstance(url, str) and not url.strip() else url

    @field_validator("aoi_bbox_deg")
    @classmethod
    def _check_bbox(
        cls, bbox: tuple[float, float, float, float]
    ) -> tuple[float, float, float, float]:
        west, south, east, north = bbox
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValueError("expected west,south,east,north with west<east and south<north")
        return bbox

    @field_validator("aoi_name")
    @classmethod
    def _check_aoi_name(cls, name: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", name):
            raise ValueError("use lower-case letters, digits, '-' and '_'")
        return name

    @model_validator(mode="after")
    def _check_zones(self) -> Settings:
        if self.contiguous_zone_nm <= self.territorial_sea_nm:
            raise ValueError("contiguous_zone_nm must be larger than territorial_sea_nm")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def embedded(self) -> bool:
        """True when Coastwatch runs its own PostGIS cluster."""
        return self.database_url is None

    @property
    def archive_path(self) -> Path:
        """Where day partitions are archived: ``archive_dir``, or ``archive`` under home."""
        return self.archive_dir or self.home / "archive"

    def describe(self) -> dict[str, str]:
        """What is in force, as text, with secrets masked."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value: Any = getattr(self, name)
            if isinstance(value, SecretStr):
                value = mask_secrets(value.get_secret_value())
            if isinstance(value, BaseRuleSettings):
                shown.update({f"rules.{k}": str(v) for k, v in value.model_dump().items()})
                continue
            shown[name] = "" if value is None else str(value)
        return shown


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from file, environment and the given overrides (CLI flags).

    ``None`` overrides are ignored, so CLI options can be passed straight through.
    """
    explicit = config_file or (
        Path(os.environ["COASTWATCH_CONFIG"]) if os.environ.get("COASTWATCH_CONFIG") else None
    )
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"config file not found: {explicit}")
    path = explicit or default_config_file()

    class _FromFile(Settings):
        model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": path})

    try:
        # `rules` typed with the registered rules' model, so that an unknown key is an
        # error and a tuple given in the environment is read as JSON
        rules = rule_settings_model()
        model = create_model(
            "Settings", __base__=_FromFile, rules=(rules, Field(default_factory=rules))
        )
        loaded = model(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid settings ({path if path.is_file() else 'no file'}): {problems}"
        ) from None
    except ValueError as exc:  # a TOML syntax error, or a value the environment cannot parse
        where = f"config file {path}" if path.is_file() else "COASTWATCH_* environment"
        raise ConfigError(f"cannot read the {where}: {exc}") from None
    return loaded
