"""Operations map: vessels at their latest position, tracks, alerts, zones and ports over
an offline base map; satellite scenes and their detections (a click shows a detection's
chip); a replay of selected vessels; live refresh without losing the view."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

import dashboard.lead_layers  # noqa: F401 (registers the leads' layer)
import dashboard.mission_layers  # noqa: F401 (registers the drone layers)
from dashboard import layers, scene_layers, state
from dashboard.data.common import SHIP_CATEGORIES
from dashboard.data.scenes import detection_evidence
from dashboard.evidence_chip import show_chip
from surveillance.times import people_utc
from surveillance.untrusted import html_text, markdown_text

_KEY_REPLAY = "replay_mmsi"
_KEY_LIVE, _KEY_EVERY = "live", "live_every_s"
_KEY_DETECTION = "detection_pick"
_MAP_KEY = "ops_map"
_MAX_REPLAY = 10
_LAYER_COLUMNS = 6


def _legend() -> str:
    swatches = " ".join(
        f"<span style='color:rgb{tuple(layers.CATEGORY_COLOURS[c])}'>●</span> {html_text(c)}"
        for c in SHIP_CATEGORIES
    )
    detections = " ".join(
        f"<span style='color:rgb{tuple(colour)}'>⬤</span> {html_text(kind)}"
        for kind, colour in scene_layers.DETECTION_COLOURS.items()
    )
    return (
        swatches
        + " · <span style='color:rgb(230,30,30)'>◯</span> in an alert · detections: "
        + detections
    )


def _picked() -> None:
    """A vessel clicked on the map joins the replay; a detection clicked shows its chip."""
    objects = st.session_state[_MAP_KEY].selection.get("objects", {})
    picked = [int(o["mmsi"]) for o in objects.get("vessels", []) if "mmsi" in o]
    replay = list(st.session_state.get(_KEY_REPLAY, []))
    st.session_state[_KEY_REPLAY] = (replay + [m for m in picked if m not in replay])[-_MAX_REPLAY:]
    for found in objects.get("detections", [])[:1]:
        st.session_state[_KEY_DETECTION] = int(found["id"])


def _chip(current: state.View, detections: pd.DataFrame) -> None:
    """The detections in view to choose from (or click on the map), and the chosen one's
    evidence chip with its time, size, confidence and match."""
    labels = {
        int(i): f"{k} · {t:%Y-%m-%d %H:%M} · {m} (#{i})"
        for i, k, t, m in zip(
            detections["id"],
            detections["kind"],
            detections["ts"],
            detections["match"],
            strict=True,
        )
    }
    if st.session_state.get(_KEY_DETECTION) not in labels:
        st.session_state.pop(_KEY_DETECTION, None)
    chosen = st.selectbox(
        "Satellite detection",
        options=list(labels),
        format_func=labels.__getitem__,
        index=None,
        key=_KEY_DETECTION,
        placeholder="click a detection on the map, or pick one",
    )
    if chosen is None:
        return
    scene = detections.loc[detections["id"] == chosen, "scene_id"].iloc[0]
    evidence = detection_evidence(current.store, int(chosen), int(scene))
    if evidence is None:
        return
    with st.columns([1, 2])[0]:
        show_chip(evidence)


def _picture(enabled: list[str]) -> None:
    """Everything that follows the data: re-run alone in live mode."""
    current = state.view()
    base = state.cached_base_map(current)
    picture = state.cached_map_data(current)
    since, until = current.window
    counts = st.columns(5)
    counts[0].metric("Vessels", f"{len(picture.vessels):,}")
    counts[1].metric("In an alert", f"{int(picture.vessels['in_alert'].sum()):,}")
    counts[2].metric("Alerts in the window", f"{len(picture.alerts):,}")
    counts[3].metric("Positions drawn", f"{picture.positions:,}")
    newest = current.newest
    counts[4].metric("Newest position", people_utc(newest, seconds=True, zone=" UTC", missing="-"))

    names = dict(zip(picture.vessels["mmsi"], picture.vessels["name"], strict=True))
    if _KEY_REPLAY in st.session_state:  # drop vessels the window no longer has
        st.session_state[_KEY_REPLAY] = [m for m in st.session_state[_KEY_REPLAY] if m in names]
    replay = st.multiselect(
        "Replay the tracks of",
        options=list(names),
        format_func=lambda m: f"{names.get(m, '?')} ({m})",
        key=_KEY_REPLAY,
        max_selections=_MAX_REPLAY,
        placeholder="pick vessels, or click one on the map",
    )
    replay_until_s = None
    if replay:
        at = st.slider(
            "Replay up to (UTC)",
            min_value=since,
            max_value=until,
            value=until,
            step=timedelta(minutes=5),
            format="YYYY-MM-DD HH:mm",
            key=f"replay_at_{since.timestamp():.0f}_{until.timestamp():.0f}",
        )
        replay_until_s = (at - since).total_seconds()
    if "view" not in st.session_state or st.session_state.get("view_bbox") != current.bbox:
        st.session_state["view"] = layers.view_for_bbox(current.bbox)
        st.session_state["view_bbox"] = current.bbox
    ctx = layers.MapContext(
        store=current.store,
        window=current.window,
        bbox=current.bbox,
        base=base,
        picture=picture,
        replay_mmsi=replay,
        replay_until_s=replay_until_s,
        cell_deg=current.settings.rules.coverage_cell_deg,
    )
    deck = layers.deck(ctx, enabled, st.session_state["view"], tile_url=current.settings.tile_url)
    st.pydeck_chart(
        deck, key=_MAP_KEY, on_select=_picked, selection_mode="single-object", height=620
    )
    st.markdown(_legend(), unsafe_allow_html=True)
    if "detections" in enabled:
        detections = scene_layers.detections_of(ctx)
        if len(detections):
            _chip(current, detections)
    for m in replay[:3]:
        st.page_link(
            "page_vessel.py",
            label=f"Vessel page: {markdown_text(names.get(m, '?'))} ({m})",
            icon=":material/directions_boat:",
            query_params={"mmsi": str(m)},
        )
    if picture.vessels.empty:
        st.info("No positions in this window. Widen the window in the sidebar.")


def render() -> None:
    st.header("Operations map")
    current = state.view()
    with st.expander("Layers and live mode", expanded=False):
        specs = [s for s in layers.LAYERS.values() if s.ability is None or current.can(s.ability)]
        columns = st.columns(_LAYER_COLUMNS + 1)
        enabled = [
            spec.key
            for index, spec in enumerate(specs)
            if columns[index % _LAYER_COLUMNS].checkbox(
                spec.label, value=spec.default, key=f"layer_{spec.key}"
            )
        ]
        live = columns[-1].toggle("Live", key=_KEY_LIVE, help="refresh on its own")
        every = columns[-1].select_slider(
            "every (s)", options=[5, 10, 30, 60], value=10, key=_KEY_EVERY, disabled=not live
        )
    run_every = timedelta(seconds=every) if live else None
    st.fragment(_picture, run_every=run_every)(enabled)


if __name__ == "__main__":
    render()
