"""Missions (``?alert=<id>`` opens the intercept form for that alert): plan a drone mission
from an alert, an area or a point; see it on the map with its statistics; save, download
and upload it; the stored missions, each openable; each drone followed live; what a drone
saw reported as a sighting. Planning, saving, uploading and sightings are the drone
operator's; the monitor and the intelligence officer follow the missions and the drones.

Mission names and notes come from people and files: they are shown as text (``st.text``,
tables, the tooltip's plain fields), never as Markdown.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pydeck as pdk
import streamlit as st

from dashboard import layers, mission_layers, state
from dashboard.data.missions import (
    drone_states,
    drone_trails,
    mission_routes,
    mission_table,
    plan_picture,
    stats_text,
)
from dashboard.mission_form import plan_form
from dashboard.mission_upload import upload_panel
from dashboard.sighting_form import sighting_form
from drone_ops import files
from drone_ops.plan import Plan, PlanStats
from drone_ops.records import mission_record
from surveillance.errors import CoastwatchError
from surveillance.store import BBox
from surveillance.times import people_utc

_KEY_PLAN, _KEY_SAVED = "mission_current", "mission_saved_id"
_KEY_OPEN = "mission_open"
_KEY_LIVE, _KEY_EVERY = "drones_live", "drones_every_s"
_PAD_DEG = 0.01
_MAX_DRONE_LINES = 8  # one line each above the table; the table has them all
_MAP_PX = (900, 460)


def _deck(current: state.View, stack: list[pdk.Layer], bbox: BBox, key: str) -> None:
    """A map of ``stack`` over the base map, fitted to ``bbox`` (padded)."""
    west, south, east, north = bbox
    padded = (west - _PAD_DEG, south - _PAD_DEG, east + _PAD_DEG, north + _PAD_DEG)
    base = state.cached_base_map(current)
    under = layers.base_layers(base, padded, current.settings.tile_url) + [layers.zones(base)]
    view = layers.view_for_bbox(padded, *_MAP_PX)
    deck = layers.offline_deck(under + stack, view, height=_MAP_PX[1])
    st.pydeck_chart(deck, key=key, height=_MAP_PX[1])


def _stats(stats: PlanStats | dict[str, Any] | None) -> None:
    """A plan's statistics in a row of figures."""
    shown = stats_text(stats)
    for column, (label, value) in zip(st.columns(len(shown) or 1), shown.items(), strict=False):
        column.metric(label, value)


def _save(current: state.View, plan: Plan) -> None:
    """Store the plan made (a button's callback): its id is kept for the upload."""
    try:
        record = mission_record(plan, created_by=current.actor)
        st.session_state[_KEY_SAVED] = current.store.store_mission(record)
    except CoastwatchError as error:
        st.session_state[_KEY_SAVED] = None
        state.show_error(error)


#: the files a plan downloads as (``drone_ops.files``): suffix -> MIME type
_FORMATS = {
    ".plan": "application/json",
    ".waypoints": "text/plain",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".geojson": "application/geo+json",
}


def _downloads(plan: Plan, stem: str, key: str) -> None:
    """One download button per file format (made when the page is drawn: plans are small)."""
    for column, (suffix, mime) in zip(st.columns(len(_FORMATS)), _FORMATS.items(), strict=True):
        try:
            text = files.dumps(plan, suffix)
        except CoastwatchError as error:
            column.caption(f"{suffix}: {error}")
            continue
        column.download_button(
            f"Download {suffix}", text, file_name=stem + suffix, mime=mime, key=f"{key}{suffix}"
        )


def _plan_view(
    current: state.View,
    plan: Plan,
    stats: PlanStats | dict[str, Any] | None,
    mission_id: int | None,
    key: str,
) -> None:
    """A plan on the map (route, waypoints, survey area, geofence) with its statistics,
    its downloads and the upload to a vehicle."""
    st.text(f"{plan.name} · {plan.kind} · {len(plan.mission_items())} items")
    picture = plan_picture(plan)
    _deck(current, mission_layers.plan_layers(picture), picture.bbox, f"{key}_map")
    _stats(stats)
    _downloads(plan, f"mission-{mission_id}" if mission_id else plan.kind, key)
    if current.can("missions"):
        upload_panel(current.store, plan, mission_id, current.actor, key)


def _made(current: state.View) -> None:
    """The plan just made: on the map with its statistics, to save, download, upload."""
    plan: Plan | None = st.session_state.get(_KEY_PLAN)
    if plan is None:
        return
    st.subheader("The plan")
    saved = st.session_state.get(_KEY_SAVED)
    st.button(
        "Save" if saved is None else f"Saved as mission {saved}",
        key="mission_save",
        disabled=saved is not None,
        on_click=_save,
        args=(current, plan),
    )
    _plan_view(current, plan, plan.stats, saved, "made")


def _stored(current: state.View) -> None:
    """The stored missions, newest first; one opened is read back from its stored
    ``.plan`` and shown like a plan just made."""
    st.subheader("Stored missions")
    table = mission_table(current.store)
    if table.empty:
        st.caption("No mission stored yet.")
        return
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "planned_start": st.column_config.DatetimeColumn(
                "Planned start (UTC)", format="YYYY-MM-DD HH:mm"
            )
        },
    )
    labels = dict(zip(table["id"], table["name"], strict=True))
    chosen = st.selectbox(
        "Open a mission",
        list(labels),
        format_func=lambda i: f"{i}: {labels[i]}",
        index=None,
        key=_KEY_OPEN,
        placeholder="pick one",
    )
    if chosen is None:
        return
    document = current.store.mission_plan(int(chosen)) or {}
    try:
        plan = files.loads(json.dumps(document), ".plan", f"mission {chosen}")
    except CoastwatchError as error:
        state.show_error(error)
        return
    stats = current.store.missions().set_index("id").loc[chosen, "stats"]
    _plan_view(current, plan, stats, int(chosen), "opened")


def _drones() -> None:
    """Each drone heard in the window: on the map with its trail, and its mission
    progress, battery, mode and when it was last heard (re-run alone when live)."""
    current = state.view()
    since, until = current.window
    drones = drone_states(current.store, since, datetime.now(UTC))
    if drones.empty:
        st.caption("No drone heard in the window (the sidebar's).")
        return
    trails = drone_trails(current.store, current.window)
    bbox = (drones.lon.min(), drones.lat.min(), drones.lon.max(), drones.lat.max())
    flying = mission_routes(current.store)
    flying = flying[flying["id"].isin(drones["mission_id"].dropna())]
    stack = mission_layers.route_layers(flying) + mission_layers.drone_layers(drones, trails)
    _deck(current, stack, bbox, "drones_map")
    for line in drones["summary"].head(_MAX_DRONE_LINES):
        st.text(line)
    shown = drones.assign(last_heard=[people_utc(t, seconds=True) for t in drones["last_heard"]])
    st.dataframe(
        shown[["drone_id", "mission", "progress", "done_pct", "battery_pct", "mode", "last_heard"]],
        hide_index=True,
        width="stretch",
        column_config={
            "done_pct": st.column_config.ProgressColumn(
                "Mission done", format="%.0f%%", min_value=0, max_value=100
            ),
            "battery_pct": st.column_config.ProgressColumn(
                "Battery", format="%.0f%%", min_value=0, max_value=100
            ),
            "last_heard": "Last heard (UTC)",
        },
    )


def render() -> None:
    current = state.view()
    st.header("Missions")
    flies = current.can("missions")  # the others follow the missions and the drones
    if flies:
        st.subheader("Plan a mission")
        made = plan_form(current)
        if made is not None:
            st.session_state[_KEY_PLAN] = made
            st.session_state[_KEY_SAVED] = None
        _made(current)
    _stored(current)
    st.subheader("Drones")
    left, right = st.columns([1, 3])
    live = left.toggle("Live", key=_KEY_LIVE, help="refresh on its own")
    every = right.select_slider(
        "every (s)", options=[2, 5, 10, 30], value=5, key=_KEY_EVERY, disabled=not live
    )
    st.fragment(_drones, run_every=timedelta(seconds=every) if live else None)()
    if flies:
        st.subheader("Report a sighting")
        sighting_form(current, alert_id=st.query_params.get("alert"))


if __name__ == "__main__":
    render()
