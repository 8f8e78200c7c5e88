"""What a report is asked for: a time window, an area and alert types, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from surveillance.alert_types import check_alert_types
from surveillance.errors import InputError
from surveillance.report.area import check_area

if TYPE_CHECKING:
    import shapely

    from surveillance.store import Window

__all__ = ["ReportRequest"]


@dataclass(frozen=True)
class ReportRequest:
    """What to report: alerts going on at some time in ``[since, until)`` (UTC-aware), that
    touch ``area`` (a polygon in EPSG:4326; None for everywhere), of ``types`` (empty: all)."""

    since: datetime
    until: datetime
    area: shapely.Geometry | None = None
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise InputError("a report's times must be timezone-aware (UTC)")
        if self.since >= self.until:
            raise InputError("a report's window must start (since) before it ends (until)")
        types = tuple(dict.fromkeys(self.types))
        check_alert_types(types)
        if self.area is not None:
            check_area(self.area)
        object.__setattr__(self, "since", self.since.astimezone(UTC))
        object.__setattr__(self, "until", self.until.astimezone(UTC))
        object.__setattr__(self, "types", types)

    @property
    def window(self) -> Window:
        return self.since, self.until
