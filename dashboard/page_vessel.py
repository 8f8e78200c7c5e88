"""One vessel (``?mmsi=<n>``): identity and its history, flag, the track over the window,
every alert involving it, and its watchlist status with add and remove."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard import layers, state, tooltip
from dashboard.data.vessel import VesselDetail, vessel_detail
from surveillance.errors import CoastwatchError
from surveillance.store import Store
from surveillance.times import people_utc

_FLASH = "vessel_flash"
_NOTE_KEY = "watch_note"
_PAD_DEG = 0.05


def _watch(store: Store, mmsi: int, actor: str, add: bool) -> None:
    """Add the vessel's MMSI to the watchlist or take its entries off (a button's callback)."""
    try:
        if add:
            note = st.session_state.get(_NOTE_KEY) or None
            entry = pd.DataFrame([{"kind": "mmsi", "value": f"{mmsi:09d}", "note": note}])
            store.add_watchlist(entry, actor)
            st.session_state[_FLASH] = ("success", f"MMSI {mmsi:09d} is on the watchlist.")
        else:
            removed = store.remove_watchlist("mmsi", f"{mmsi:09d}", actor)
            st.session_state[_FLASH] = (
                "success" if removed else "error",
                f"MMSI {mmsi:09d} " + ("is off the watchlist." if removed else "was not on it."),
            )
    except CoastwatchError as error:
        st.session_state[_FLASH] = ("error", str(error))


def _watch_controls(current: state.View, mmsi: int, on_list: bool) -> None:
    """Take the vessel off the watchlist, or put it on with a note."""
    left, right = st.columns([3, 1])
    if on_list:
        right.button(
            "Remove from the watchlist",
            key="watch_remove",
            on_click=_watch,
            args=(current.store, mmsi, current.actor, False),
        )
    else:
        left.text_input("Why (optional)", key=_NOTE_KEY)
        right.button(
            "Add to the watchlist",
            key="watch_add",
            on_click=_watch,
            args=(current.store, mmsi, current.actor, True),
        )


def _identity(detail: VesselDetail) -> None:
    who = detail.identity or {}
    cells = st.columns(6)
    cells[0].metric("MMSI", f"{detail.mmsi:09d}")
    cells[1].metric("Flag", who.get("flag") or "?")
    cells[2].metric("IMO", "-" if pd.isna(who.get("imo")) else str(int(who["imo"])))
    cells[3].metric("Call sign", who.get("callsign") or "-")
    code = who.get("ship_type")
    cells[4].metric("Type", f"{detail.category}" + ("" if pd.isna(code) else f" ({int(code)})"))
    length = who.get("length_m")
    cells[5].metric("Length", "-" if pd.isna(length) else f"{length:.0f} m")
    if who:
        st.caption(
            f"Destination {who.get('destination') or '-'} · draught "
            f"{'-' if pd.isna(who.get('draught_m')) else who['draught_m']} m · identity as of "
            f"{people_utc(who['updated_at'])} UTC"
        )


def _map(current: state.View, detail: VesselDetail) -> pdk.Deck:
    base = state.cached_base_map(current)
    track = detail.track
    west, south = track["lon"].min() - _PAD_DEG, track["lat"].min() - _PAD_DEG
    east, north = track["lon"].max() + _PAD_DEG, track["lat"].max() + _PAD_DEG
    last = track.iloc[-1]
    head = pd.DataFrame(
        [
            {
                "lon": last["lon"],
                "lat": last["lat"],
                **tooltip.fields(
                    f"MMSI {detail.mmsi}",
                    f"last seen {people_utc(last['t'], zone=' UTC')}",
                    f"{last['sog_knots']:.1f} kn",
                ),
            }
        ]
    )
    path = pd.DataFrame(
        [
            {
                "path": track[["lon", "lat"]].to_numpy().round(6).tolist(),
                **tooltip.fields(f"MMSI {detail.mmsi}", "track"),
            }
        ]
    )
    bbox = (west, south, east, north)
    stack = layers.base_layers(base, bbox, current.settings.tile_url) + [
        layers.ports(base, radius_m=300),
        pdk.Layer(
            "PathLayer",
            id="track",
            data=path,
            get_path="path",
            get_color=[0, 114, 178],
            width_min_pixels=2,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="last",
            data=head,
            get_position=["lon", "lat"],
            get_fill_color=[0, 114, 178],
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=200,
            radius_min_pixels=6,
            line_width_min_pixels=2,
            pickable=True,
        ),
    ]
    return layers.offline_deck(stack, layers.view_for_bbox(bbox, 600, 380), height=420)


def _choose() -> int | None:
    wanted = st.query_params.get("mmsi", "")
    typed = st.text_input("MMSI", value=wanted, max_chars=9)
    if typed and typed != wanted:
        st.query_params["mmsi"] = typed
    if not typed:
        return None
    if not typed.strip().isdigit():
        st.error(f"Not an MMSI: {typed!r} (9 digits).")
        return None
    return int(typed)


def render() -> None:
    current = state.view()
    mmsi = _choose()
    if mmsi is None:
        st.info("Open a vessel from the map, an alert, or give its MMSI above.")
        return
    detail = vessel_detail(current.store, mmsi, current.window)
    who = detail.identity or {}
    st.header(f"{who.get('name') or '(no name)'} · MMSI {mmsi:09d}")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    if detail.identity is None and detail.track.empty:
        st.warning("The store knows nothing of this vessel: no identity, no position.")
    _identity(detail)

    st.subheader("Watchlist")
    if detail.watchlist.empty:
        st.caption("Not on the watchlist.")
    else:
        st.dataframe(detail.watchlist, hide_index=True)
    if current.can("watchlist.edit"):  # the intelligence officer's to change
        _watch_controls(current, mmsi, bool((detail.watchlist["kind"] == "mmsi").any()))

    st.subheader("Track in the window")
    if detail.track.empty:
        st.caption("No positions in the window (widen it in the sidebar).")
    else:
        left, right = st.columns([3, 2])
        left.pydeck_chart(_map(current, detail), height=420, key="vessel_map")
        right.markdown("**Speed over ground (kn)**")
        right.line_chart(
            detail.track.set_index("t")["sog_knots"], height=200, x_label="UTC", y_label="knots"
        )
        right.caption(f"{len(detail.track):,} positions")

    st.subheader("Alerts involving it")
    if detail.alerts.empty:
        st.caption("None.")
    else:
        st.dataframe(
            detail.alerts.drop(columns=["score_reasons", "mmsi", "lon", "lat"]),
            hide_index=True,
            width="stretch",
            column_config={
                "link": st.column_config.LinkColumn("Alert", display_text=r"alert=(.{8})"),
                "id": None,
                "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
                "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
            },
        )

    st.subheader("Identity history")
    if detail.history.empty:
        st.caption("No identity received.")
    else:
        st.dataframe(detail.history.drop(columns=["id"], errors="ignore"), hide_index=True)


if __name__ == "__main__":
    render()
