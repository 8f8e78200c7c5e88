"""The Reports page's preview and the Sources page: activity and rejects per source."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surveillance.report.gather import gather
from surveillance.report.request import ReportRequest
from surveillance.store import Store, Window

__all__ = ["SourcesData", "report_preview", "sources_data"]


def report_preview(store: Store, request: ReportRequest) -> pd.DataFrame:
    """The alerts a report would hold (what the exports are built from), for the page."""
    found = gather(store, request)
    return pd.DataFrame(
        {
            "score": found["score"],
            "type": found["type"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "vessels": [
                ", ".join(f"{n or '?'} ({m})" for m, n in zip(ms, ns, strict=False))
                for ms, ns in zip(found["mmsi"], found["names"], strict=True)
            ],
            "summary": found["summary"],
            "id": found["id"],
        }
    )


@dataclass(frozen=True)
class SourcesData:
    """Per source: activity over the window (with positions per minute over its last
    hour, ``per_minute`` a list of 60 counts) and rejected records by reason."""

    activity: pd.DataFrame
    rejections: pd.DataFrame
    minutes: pd.DataFrame


def sources_data(store: Store, window: Window, *, all_rejections: bool = False) -> SourcesData:
    """What the Sources page shows for the window."""
    activity = store.source_activity(window)
    minutes = store.source_minutes(window)
    last_minute = (pd.Timestamp(window[1]) - pd.Timedelta(microseconds=1)).floor("min")
    grid = pd.date_range(last_minute - pd.Timedelta(minutes=59), last_minute, freq="min")
    counts = pd.DataFrame(index=grid)
    if len(minutes):
        minutes["minute"] = pd.to_datetime(minutes["minute"], utc=True)
        counts = minutes.pivot_table(
            index="minute", columns="source", values="positions", aggfunc="sum"
        ).reindex(grid, fill_value=0)
    activity["per_minute"] = [
        counts[s].fillna(0).astype(int).tolist() if s in counts else [0] * len(grid)
        for s in activity["source"]
    ]
    activity["positions_per_min"] = (activity["last_hour"] / 60).round(1)
    rejections = store.rejections(None if all_rejections else window)
    return SourcesData(activity=activity, rejections=rejections, minutes=minutes)
