"""Sources: per source (receiver, station or file), the newest position, positions per
minute over the window's last hour, the outages of each station and of the whole feed, the
satellite scenes of the window and what was found in them, the store servers that hold days
of positions, the records rejected, by reason, and the Dask workers that `detect --scheduler`
runs the rules on."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from dashboard import state, stores
from dashboard.data.learnt import outages
from dashboard.data.scenes import scene_summary
from dashboard.data.sources import sources_data
from surveillance.settings import Settings
from surveillance.store import Store, Window
from surveillance.times import people_utc
from surveillance.untrusted import markdown_text
from surveillance.workers import SchedulerHealth, worker_health

_HEALTH_CACHE_S = 5  # a page rerun on each click asks the scheduler at most this often
_HEALTH_TIMEOUT_S = 2.0


def _scenes(store: Store, window: Window) -> None:
    """How many scenes the window holds, the last acquisition, the ships found, the dark."""
    st.subheader("Satellite scenes")
    found = scene_summary(store, window)
    counts = st.columns(4)
    counts[0].metric("Scenes", f"{len(found.scenes):,}")
    counts[1].metric(
        "Last acquisition", people_utc(found.last_acquired_at, zone=" UTC", missing="-")
    )
    counts[2].metric("Detections", f"{found.detections:,}")
    counts[3].metric("Dark", f"{found.dark:,}")
    if found.scenes.empty:
        st.caption("No scene acquired in the window.")
        return
    st.dataframe(
        found.scenes,
        hide_index=True,
        width="stretch",
        column_config={
            "id": "Scene",
            "acquired_at": st.column_config.DatetimeColumn(
                "Acquired (UTC)", format="YYYY-MM-DD HH:mm:ss"
            ),
            "sensor": "Sensor",
            "mode": "Mode",
            "polarisations": "Polarisations",
            "pixel_spacing_m": st.column_config.NumberColumn("Pixel (m)", format="%.1f"),
            "product": "Product",
            "detections": "Detections",
            "dark": "Dark",
        },
    )


def _store_servers(current: state.View) -> None:
    """The store servers (postgres_fdw) holding days of positions: reachable, days, rows.
    Asked of the service store, like the users admin: a server's login is the service's
    (in its user mapping), which no user's role may read."""
    health = stores.service_store(current.settings).server_health()
    if not health:
        return
    st.subheader("Store servers")
    table = pd.DataFrame(
        {
            "name": [h.name for h in health],
            "address": [h.address for h in health],
            "state": ["up" if h.reachable else "unreachable" for h in health],
            "detail": [h.detail for h in health],
            "days": [h.days for h in health],
            "rows": [h.rows for h in health],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Server",
            "address": "Address",
            "state": "State",
            "detail": "Detail",
            "days": "Days held",
            "rows": st.column_config.NumberColumn("Rows (estimate)", format="%d"),
        },
    )
    st.caption("Days of positions on other PostGIS servers, read through postgres_fdw.")


@st.cache_data(ttl=_HEALTH_CACHE_S, max_entries=4, show_spinner="Asking the scheduler")
def _health(address: str) -> SchedulerHealth:
    return worker_health(address, timeout_s=_HEALTH_TIMEOUT_S)


def _workers(settings: Settings) -> None:
    """The scheduler of the ``scheduler`` setting: whether it answers, and its workers."""
    st.subheader("Workers")
    if settings.scheduler is None:
        st.caption("No Dask scheduler is set (COASTWATCH_SCHEDULER): `detect` runs in process.")
        return
    health = _health(settings.scheduler)
    if not health.reachable:
        st.error(markdown_text(health.detail))
        return
    st.caption(markdown_text(f"{settings.scheduler}: {health.detail}"))
    if not health.workers:
        return
    st.dataframe(
        pd.DataFrame([asdict(worker) for worker in health.workers]),
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Worker",
            "address": "Address",
            "nthreads": "Threads",
            "memory_mb": st.column_config.NumberColumn("Memory (MB)", format="%.0f"),
            "memory_limit_mb": st.column_config.NumberColumn("Limit (MB, 0: none)", format="%.0f"),
            "tasks_running": "Tasks running",
            "last_seen_s": st.column_config.NumberColumn("Last seen (s ago)", format="%.1f"),
        },
    )


def render() -> None:
    current = state.view()
    st.header("Sources")
    all_time = st.toggle("Rejections of all time (not only the window)", key="sources_all")
    found = sources_data(current.store, current.window, all_rejections=all_time)
    st.subheader("Activity in the window")
    if found.activity.empty:
        st.caption("No positions in the window.")
    else:
        st.dataframe(
            found.activity[
                [
                    "source",
                    "last_position",
                    "positions_per_min",
                    "per_minute",
                    "last_hour",
                    "vessels_last_hour",
                    "positions",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "source": "Source",
                "last_position": st.column_config.DatetimeColumn(
                    "Newest position (UTC)", format="YYYY-MM-DD HH:mm:ss"
                ),
                "positions_per_min": st.column_config.NumberColumn(
                    "Positions / min (last hour)", format="%.1f"
                ),
                "per_minute": st.column_config.LineChartColumn("Per minute, last hour", y_min=0),
                "last_hour": "Last hour",
                "positions": "In the window",
                "vessels_last_hour": "Vessels (last hour)",
            },
        )
        st.caption("Positions are counted once, by the source that stored them first.")
    st.subheader("Outages")
    stopped = outages(current.store, current.window, current.settings.rules.outage_min_vessels)
    if stopped.empty:
        st.caption("None in the window: every station heard someone every hour.")
    else:
        st.dataframe(
            stopped[["station", "start", "end", "hours", "ongoing"]],
            hide_index=True,
            width="stretch",
            column_config={
                "station": "Station",
                "start": st.column_config.DatetimeColumn("From (UTC)", format="YYYY-MM-DD HH:mm"),
                "end": st.column_config.DatetimeColumn("Until (UTC)", format="YYYY-MM-DD HH:mm"),
                "hours": st.column_config.NumberColumn("Hours", format="%.0f"),
                "ongoing": "Still silent",
            },
        )
        st.caption(
            "Whole hours in which a station heard no one, from the reception map that "
            "`detect` keeps; ais_gap raises no gaps for the time the whole feed was silent."
        )
    _scenes(current.store, current.window)
    _store_servers(current)
    st.subheader("Rejected records")
    if found.rejections.empty:
        st.caption("None." if all_time else "None in the window.")
    else:
        st.dataframe(found.rejections, hide_index=True, width="stretch")
        by_reason = found.rejections.groupby("reason")["records"].sum().sort_values()
        st.bar_chart(by_reason, horizontal=True, height=60 + 28 * len(by_reason))
    _workers(current.settings)


if __name__ == "__main__":
    render()
