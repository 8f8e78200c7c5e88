"""One alert (``?alert=<id or prefix>``): its tracks on a map, speed and distance over time,
the evidence, why it scored, related alerts, its history, and the analyst's actions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pydeck as pdk
import shapely
import streamlit as st

from dashboard import layers, scene_layers, state, tooltip
from dashboard.data.alerts import AlertDetail, alert_detail, revision_notice
from dashboard.data.common import vessel_link
from dashboard.data.leads import cited_leads
from dashboard.data.missions import alert_sightings
from dashboard.evidence_chip import show_chip
from dashboard.sighting_form import sighting_form
from surveillance.access import action_ability
from surveillance.errors import CoastwatchError
from surveillance.lifecycle import allowed_actions
from surveillance.store import Store
from surveillance.times import people_utc
from surveillance.untrusted import markdown_text

_FLASH = "alert_flash"
_NOTE_KEY, _REASON_KEY = "alert_note_text", "alert_dismiss_reason"
_BUTTONS = (("ack", "Acknowledge"), ("escalate", "Escalate"), ("close", "Close"))
_PAD_DEG = 0.02


def _act(
    store: Store, alert_id: str, seen: str, action: str, actor: str, text_key: str | None
) -> None:
    """Apply an action (a button's callback, before the page is drawn again) to the alert
    as the page showed it (``seen``, its status then). On an error, or when someone else
    changed the alert meanwhile, the message is shown and the typed text stays in its field."""
    note = st.session_state.get(text_key) if text_key else None
    try:
        status = store.act_on_alert(alert_id, action, actor, note, seen=seen)
    except CoastwatchError as error:
        hint = f" ({error.hint})" if error.hint else ""
        st.session_state[_FLASH] = ("error", markdown_text(f"{error}{hint}"))
        return
    done = {"note": "Note added"}.get(action, f"{action.capitalize()} recorded")
    st.session_state[_FLASH] = (
        "success",
        f"{done} by {markdown_text(actor)}: the alert is {status}.",
    )
    if text_key:
        st.session_state[text_key] = ""


def _actions(current: state.View, detail: AlertDetail) -> None:
    """The actions the user's role holds (the store under that role refuses the others)."""
    alert_id, status = detail.alert["id"], detail.alert["status"]
    allowed = allowed_actions(status)
    buttons = [(a, label) for a, label in _BUTTONS if current.can(action_ability(a))]
    forms = [a for a in ("dismiss", "note") if current.can(action_ability(a))]
    if not buttons and not forms:
        st.caption(f"Your role ({current.user.role}) reads alerts; it does not act on them.")
        return
    columns = st.columns([1.4, 1.2, 1, 3, 3])  # "Acknowledge" whole on a laptop screen
    for column, (action, label) in zip(columns, buttons, strict=False):
        column.button(
            label,
            key=f"alert_{action}",
            disabled=action not in allowed,
            width="stretch",
            on_click=_act,
            args=(current.store, alert_id, status, action, current.actor, None),
        )
    if "dismiss" in forms:
        with columns[3].form("dismiss", border=False):
            st.text_input("Reason to dismiss", key=_REASON_KEY, placeholder="required")
            st.form_submit_button(
                "Dismiss",
                disabled="dismiss" not in allowed,
                on_click=_act,
                args=(current.store, alert_id, status, "dismiss", current.actor, _REASON_KEY),
            )
    if "note" in forms:
        with columns[4].form("note", border=False):
            st.text_input("Note", key=_NOTE_KEY)
            st.form_submit_button(
                "Add note",
                on_click=_act,
                args=(current.store, alert_id, status, "note", current.actor, _NOTE_KEY),
            )
    st.caption(f"Recorded as done by `{current.actor}`.")


def _bbox(detail: AlertDetail) -> tuple[float, float, float, float]:
    geom = detail.alert["geom"]
    west, south, east, north = shapely.bounds(geom)
    if not detail.tracks.empty:
        west = min(west, detail.tracks["lon"].min())
        east = max(east, detail.tracks["lon"].max())
        south = min(south, detail.tracks["lat"].min())
        north = max(north, detail.tracks["lat"].max())
    if detail.detection is not None:
        west, east = min(west, detail.detection.lon), max(east, detail.detection.lon)
        south, north = min(south, detail.detection.lat), max(north, detail.detection.lat)
    return (west - _PAD_DEG, south - _PAD_DEG, east + _PAD_DEG, north + _PAD_DEG)


def _map(current: state.View, detail: AlertDetail) -> pdk.Deck:
    base = state.cached_base_map(current)
    tracks = detail.tracks
    names = dict(zip(detail.vessels.get("mmsi", []), detail.vessels.get("name", []), strict=True))
    paths, ends = [], []
    for index, (mmsi, rows) in enumerate(tracks.groupby("mmsi", sort=True)):
        colour = layers.track_colour(index)
        label = f"{names.get(mmsi) or '?'} ({mmsi})"
        paths.append(
            {
                "path": rows[["lon", "lat"]].to_numpy().round(6).tolist(),
                "colour": colour,
                **tooltip.fields(label, "track"),
            }
        )
        for which, row in (("first", rows.iloc[0]), ("last", rows.iloc[-1])):
            ends.append(
                {
                    "lon": row["lon"],
                    "lat": row["lat"],
                    "colour": colour,
                    **tooltip.fields(
                        label,
                        f"{which} position {people_utc(row['t'], zone=' UTC')}",
                        f"{row['sog_knots']:.1f} kn",
                    ),
                }
            )
    alert_shape = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(detail.alert["geom"]),
        "properties": tooltip.fields(str(detail.alert["type"]), f"score {detail.alert['score']}"),
    }
    bbox = _bbox(detail)
    stack = layers.base_layers(base, bbox, current.settings.tile_url) + [
        layers.zones(base),
        layers.ports(base, radius_m=300),
        pdk.Layer(
            "GeoJsonLayer",
            id="alert",
            data={"type": "FeatureCollection", "features": [alert_shape]},
            filled=True,
            stroked=True,
            get_fill_color=[230, 30, 30, 40],
            get_line_color=layers.ALERT_RED,
            get_point_radius=500,
            point_radius_min_pixels=10,
            line_width_min_pixels=2,
            pickable=True,
        ),
        pdk.Layer(
            "PathLayer",
            id="tracks",
            data=pd.DataFrame(paths),
            get_path="path",
            get_color="colour",
            width_min_pixels=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="ends",
            data=pd.DataFrame(ends),
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=100,
            radius_min_pixels=5,
            line_width_min_pixels=1,
            pickable=True,
        ),
    ]
    if detail.detection is not None:
        stack.append(scene_layers.detection_layer(detail.detection.on_map, "detection"))
    return layers.offline_deck(stack, layers.view_for_bbox(bbox, 700, 460), height=460)


def _chip(detail: AlertDetail) -> None:
    """The SAR detection behind a dark-vessel alert: its chip and what it shows."""
    if detail.detection is not None:
        st.markdown("**SAR detection**")
        show_chip(detail.detection)


def _sightings(store: Store, alert_id: str) -> None:
    """The drone sightings that answer the alert: a table, each photo, each note as text."""
    found = alert_sightings(store, alert_id)
    st.subheader("Drone sightings")
    if found.empty:
        st.caption("No drone has reported on this alert yet.")
        return
    st.dataframe(
        found.drop(columns=["has_photo"]),
        hide_index=True,
        width="stretch",
        column_config={"ts": st.column_config.DatetimeColumn("When (UTC)", format="HH:mm:ss")},
    )
    rows = zip(
        found["id"].tolist(), found["note"].tolist(), found["has_photo"].tolist(), strict=True
    )
    for sighting_id, note, has_photo in rows:
        photo = store.sighting_photo(int(sighting_id)) if has_photo else None
        if photo is not None:
            st.image(photo[0], caption=f"Photo of drone sighting {sighting_id}", width=480)
        if note:
            st.text(f"Sighting {sighting_id}: {note}")


def _leads(current: state.View, detail: AlertDetail) -> None:
    """The web leads the alert cites, for intel; the other roles are told whose they are
    (their role may not read leads: the store would refuse it)."""
    st.subheader("Web leads")
    count = len(detail.lead_ids)
    if not count:
        st.caption("The alert cites no web lead.")
        return
    if not current.can("leads"):
        st.info(
            f"The alert cites {count} web lead{'s' * (count != 1)}. Leads are for "
            "intelligence officers (the intel role): ask one to read them."
        )
        return
    st.dataframe(
        cited_leads(current.store, detail.lead_ids),
        hide_index=True,
        width="stretch",
        key="alert_leads",
        column_config={
            "page": st.column_config.LinkColumn("Lead", display_text="read"),
            "id": st.column_config.NumberColumn("Id", format="%d"),
            "posted": st.column_config.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%d"
            ),
            "title": st.column_config.TextColumn("Title or first line", width="large"),
        },
    )


def _charts(detail: AlertDetail) -> None:
    tracks = detail.tracks
    if not tracks.empty:
        st.markdown("**Speed over ground (kn)**")
        speed = tracks.pivot_table(index="t", columns="mmsi", values="sog_knots", aggfunc="mean")
        speed.columns = [str(c) for c in speed.columns]
        colours: Any = [
            "#" + "".join(f"{v:02x}" for v in layers.track_colour(i))
            for i in range(len(speed.columns))
        ]
        st.line_chart(speed, height=200, x_label="UTC", y_label="knots", color=colours)
    if not detail.distance.empty:
        st.markdown("**Distance between the pair (m)**")
        st.line_chart(
            detail.distance.set_index("t")["distance_m"],
            height=200,
            x_label="UTC",
            y_label="metres",
        )


def _links() -> dict[str, Any]:
    return {
        "link": st.column_config.LinkColumn("Alert", display_text=r"alert=(.{8})"),
        "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
        "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
    }


def _choose() -> str | None:
    wanted = st.query_params.get("alert")
    typed = st.text_input("Alert id (or its first 6 characters)", value=wanted or "")
    if typed and typed != wanted:
        st.query_params["alert"] = typed
    return typed.strip() or None


def render() -> None:
    current = state.view()
    wanted = _choose()
    if wanted is None:
        st.info("Open an alert from the Alerts page, or give its id above.")
        return
    try:
        detail = alert_detail(current.store, wanted)
    except CoastwatchError as error:
        state.show_error(error)
        return
    if detail is None:
        st.warning(f"No alert {markdown_text(repr(wanted))}.")
        return
    alert = detail.alert
    st.header(f"{alert['type'].replace('_', ' ')} · score {alert['score']} · {alert['status']}")
    end = alert["end"]
    st.caption(
        f"id {alert['id']} · {people_utc(alert['start'])} to "
        f"{people_utc(end, missing='(open)')} UTC · rule version "
        f"{alert['rule_version']}"
    )
    notice = revision_notice(alert, detail.events)
    if notice:
        st.warning(notice)
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    _actions(current, detail)
    if current.can("missions"):
        if st.button("Send a drone", icon=":material/flight:", key="alert_send_drone"):
            st.switch_page("page_missions.py", query_params={"alert": alert["id"]})
        with st.expander("Report what a drone saw for this alert"):
            sighting_form(current, alert_id=alert["id"], key="alert_sight")

    left, right = st.columns([3, 2])
    with left:
        st.pydeck_chart(_map(current, detail), height=460, key="alert_map")
        st.caption(
            "Tracks from the alert's evidence."
            if detail.tracks_from == "evidence"
            else "Tracks from the store (an hour either side of the alert)."
        )
    with right:
        _chip(detail)
        _charts(detail)

    st.subheader("Vessels")
    vessels = detail.vessels
    if not vessels.empty:
        shown = vessels.assign(page=[vessel_link(m) for m in vessels["mmsi"]])
        st.dataframe(
            shown[["page", "mmsi", "name", "flag", "ship_type", "imo", "callsign", "length_m"]],
            hide_index=True,
            column_config={"page": st.column_config.LinkColumn("Vessel", display_text="open")},
        )
    else:
        st.write(", ".join(str(m) for m in alert["mmsi"]) or "no vessel")

    st.subheader("Why it scored")
    reasons = detail.reasons
    st.dataframe(reasons, hide_index=True, width="stretch")
    st.caption(f"{int(reasons['points'].sum()) if len(reasons) else 0} points in all")

    st.subheader("Evidence")
    st.dataframe(detail.evidence, hide_index=True, width="stretch")
    for key, frame in detail.evidence_lists.items():
        st.markdown(f"**{key}**")
        st.dataframe(frame, hide_index=True)
    with st.expander(f"Positions behind it ({len(detail.tracks)})"):
        st.dataframe(detail.tracks.drop(columns=["t_s"]), hide_index=True, width="stretch")

    _leads(current, detail)
    _sightings(current.store, alert["id"])

    st.subheader("Related alerts")
    if detail.related.empty:
        st.caption("None on the same vessels within six hours.")
    else:
        st.dataframe(detail.related, hide_index=True, column_config=_links())

    st.subheader("History")
    if detail.events.empty:
        st.caption("No one has acted on this alert yet, and the rules have not revised it.")
    else:
        st.dataframe(
            detail.events,
            hide_index=True,
            width="stretch",
            column_config={
                "ts": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss")
            },
        )


if __name__ == "__main__":
    render()
