"""The CSV report: one row per alert, times as ISO 8601 text, no geometry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from surveillance.report.flat import flat
from surveillance.report.gather import TABLE_COLUMNS
from surveillance.untrusted import spreadsheet_cell

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest

__all__ = ["write"]


def write(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """The alerts as CSV in :data:`~surveillance.report.gather.TABLE_COLUMNS` order, text
    cells that a spreadsheet would run as formulas neutralised (vessel names come from AIS)."""
    table = pd.DataFrame(flat(alerts, times_as_text=True)[TABLE_COLUMNS]).map(spreadsheet_cell)
    return table.to_csv(index=False, lineterminator="\n").encode()
