"""The Missions page's planning form: what to plan from (an alert, an area uploaded as
GeoJSON or typed vertex by vertex, a point, two points along the coast), the setup every
plan shares, and the planner's answer (a :class:`~drone_ops.plan.Plan`, or its refusal).

pydeck cannot draw, so a drawn area is typed: one "lat, lon" vertex per line, read off the
map's tooltips (every waypoint and vertex shows its latitude and longitude) or a chart.
Home defaults to the point of the coastline nearest to the target (the area's first
vertex, the point, the alert), the launch site a coast-guard crew drives to; it can be
typed instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import shapely
import streamlit as st

from dashboard import state
from dashboard.data.mission_areas import (
    area_from_geojson,
    area_from_lines,
    nearest_coast,
    point_from_text,
)
from drone_ops.plan import FlightSetup, Limits, Plan, Point
from surveillance.errors import CoastwatchError, InputError
from surveillance.store import Store
from surveillance.uploads import LIMIT_BYTES, check_size

__all__ = ["SOURCES", "plan_form"]

#: What a plan starts from: label -> the planner's kind.
SOURCES = {
    "From an alert (intercept)": "intercept",
    "Survey an area": "survey",
    "Expanding square around a point": "expanding_square",
    "Sector search around a point": "sector",
    "Patrol along the coast": "patrol",
}
_KEY_SOURCE = "mission_source"
_KEY_ALERT = "mission_alert"


def _home(current: state.View, target: Point | None) -> Point:
    """Home as typed, or the coast point nearest to the target."""
    typed = st.session_state.get("mission_home", "").strip()
    if typed:
        return point_from_text(typed, "home")
    if target is None:
        raise InputError("give a home: there is no target to find the nearest coast from")
    coast = nearest_coast(current.store, current.settings.aoi_name, target.lon, target.lat)
    if coast is None:
        raise InputError("no coast within a degree of the target: type a home")
    return coast


def _setup_widgets() -> None:
    """The setup every plan shares, with defaults a multirotor flies."""
    left, mid, right = st.columns(3)
    left.text_input(
        "Home (lat, lon)",
        key="mission_home",
        placeholder="empty: the coast nearest the target",
        help="where the drone launches; empty takes the nearest point of the coastline",
    )
    left.number_input("Altitude (m above home)", 10.0, 500.0, 60.0, 5.0, key="mission_alt_m")
    mid.number_input("Cruise speed (m/s)", 1.0, 40.0, 15.0, 0.5, key="mission_speed_mps")
    mid.number_input("Battery (minutes)", 5.0, 240.0, 25.0, 1.0, key="mission_battery_min")
    mid.number_input("Reserve (minutes)", 0.0, 60.0, 5.0, 1.0, key="mission_reserve_min")
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=15)
    st.session_state.setdefault("mission_start_day", soon.date())  # a default that stays put
    st.session_state.setdefault("mission_start_time", soon.time())
    right.date_input("Start (UTC)", key="mission_start_day")
    right.time_input("at", key="mission_start_time", step=300)
    wind = right.columns(2)
    wind[0].number_input("Wind from (°)", 0.0, 359.0, 0.0, 10.0, key="mission_wind_from_deg")
    wind[1].number_input("Wind (m/s)", 0.0, 30.0, 0.0, 0.5, key="mission_wind_mps")


def _setup(current: state.View, target: Point | None) -> FlightSetup:
    s = st.session_state
    day: date = s["mission_start_day"]
    clock: time = s["mission_start_time"]
    wind_mps = float(s["mission_wind_mps"])
    return FlightSetup(
        home=_home(current, target),
        altitude_m=float(s["mission_alt_m"]),
        cruise_speed_mps=float(s["mission_speed_mps"]),
        limits=Limits(
            endurance_min=float(s["mission_battery_min"]),
            reserve_min=float(s["mission_reserve_min"]),
        ),
        planned_start=datetime.combine(day, clock, tzinfo=UTC),
        wind_from_deg=float(s["mission_wind_from_deg"]) if wind_mps > 0 else None,
        wind_mps=wind_mps,
    )


def _area() -> shapely.Polygon:
    """The area to survey: the uploaded file, else the typed vertices."""
    uploaded = st.session_state.get("mission_area_file")
    if uploaded is not None:
        check_size(uploaded.size, "geojson", uploaded.name)
        return area_from_geojson(uploaded.getvalue(), uploaded.name)
    typed = st.session_state.get("mission_area_text", "")
    if not typed.strip():
        raise InputError("give the area: upload a GeoJSON polygon or type its vertices")
    return area_from_lines(typed)


def _source_widgets(kind: str, alert_id: str | None) -> None:
    """The widgets of what the plan starts from."""
    if kind == "intercept":
        st.text_input("Alert id", value=alert_id or "", key=_KEY_ALERT)
        st.number_input("or MMSI", min_value=0, value=0, step=1, key="mission_mmsi")
        st.radio(
            "Pattern there", ("orbit", "expanding-square"), key="mission_pattern", horizontal=True
        )
    elif kind == "survey":
        st.file_uploader(
            "Area as GeoJSON (a Polygon)",
            type=["geojson", "json"],
            key="mission_area_file",
            help=f"up to {LIMIT_BYTES['geojson'] // 2**20} MB; the first polygon is surveyed",
        )
        st.text_area(
            "or the area's vertices, one 'lat, lon' a line",
            key="mission_area_text",
            placeholder="33.40, 133.50\n33.40, 133.52\n33.42, 133.52",
        )
        columns = st.columns(4)
        columns[0].number_input("Front overlap (%)", 0.0, 95.0, 70.0, 5.0, key="mission_front")
        columns[1].number_input("Side overlap (%)", 0.0, 95.0, 60.0, 5.0, key="mission_side")
        columns[2].number_input("Transect angle (°)", 0.0, 179.0, 0.0, 5.0, key="mission_angle")
        columns[3].number_input("Turnaround (m)", 0.0, 200.0, 10.0, 5.0, key="mission_turn_m")
    elif kind in ("expanding_square", "sector"):
        st.text_input("Datum (lat, lon)", key="mission_point", placeholder="33.30, 133.60")
        if kind == "expanding_square":
            pair = st.columns(2)
            pair[0].number_input(
                "Track spacing (m)", 20.0, 5000.0, 200.0, 10.0, key="mission_spacing_m"
            )
            pair[1].number_input("Legs", 2, 60, 12, 1, key="mission_legs")
        else:
            st.number_input("Radius (m)", 100.0, 20000.0, 1000.0, 100.0, key="mission_radius_m")
    else:
        trio = st.columns(3)
        trio[0].text_input("From (lat, lon)", key="mission_from")
        trio[1].text_input("To (lat, lon)", key="mission_to")
        trio[2].number_input(
            "Offset from the coast (m)", 0.0, 20000.0, 500.0, 50.0, key="mission_offset_m"
        )


def _plan(current: state.View, kind: str) -> Plan:
    """Ask the planner of ``kind`` for a plan from the form's values."""
    s = st.session_state
    if kind == "intercept":
        from drone_ops.intercept import plan_intercept

        alert_id = (s.get(_KEY_ALERT) or "").strip() or None
        mmsi = int(s.get("mission_mmsi") or 0) or None
        if alert_id is None and mmsi is None:
            raise InputError("give the alert id or an MMSI to intercept")
        where = _alert_point(current.store, alert_id) if alert_id else None
        return plan_intercept(
            current.store,
            _setup(current, where),
            alert_id=alert_id,
            mmsi=mmsi,
            pattern=str(s.get("mission_pattern", "orbit")),
        )
    if kind == "survey":
        area = _area()  # refused before the planner is even loaded

        from drone_ops.survey import plan_survey

        centre = area.representative_point()
        return plan_survey(
            area,
            _setup(current, Point(centre.y, centre.x)),
            front_overlap_pct=float(s["mission_front"]),
            side_overlap_pct=float(s["mission_side"]),
            angle_deg=float(s["mission_angle"]),
            turnaround_m=float(s["mission_turn_m"]),
            name=f"survey of a {len(area.exterior.coords) - 1}-vertex area",
        )
    if kind in ("expanding_square", "sector"):
        from drone_ops.patterns import plan_expanding_square, plan_sector

        datum = point_from_text(s.get("mission_point", ""), "the datum")
        setup = _setup(current, datum)
        if kind == "sector":
            return plan_sector(datum, setup, radius_m=float(s["mission_radius_m"]))
        return plan_expanding_square(
            datum, setup, spacing_m=float(s["mission_spacing_m"]), legs=int(s["mission_legs"])
        )
    from drone_ops.patrol import plan_patrol

    start = point_from_text(s.get("mission_from", ""), "the patrol's start")
    end = point_from_text(s.get("mission_to", ""), "the patrol's end")
    return plan_patrol(start, end, _setup(current, start), offset_m=float(s["mission_offset_m"]))


def _alert_point(store: Store, alert_id: str) -> Point:
    """Where an alert is: the target the nearest coast is looked for from."""
    found = store.alert(alert_id)
    if found is None:
        raise InputError(f"no alert {alert_id!r}")
    return Point(float(found["lat"]), float(found["lon"]))


def plan_form(current: state.View) -> Plan | None:
    """Draw the form; the plan it made when its button was pressed (a refusal is shown
    as its one-line message and gives None)."""
    alert_id = st.query_params.get("alert")
    labels = list(SOURCES)
    # "Send a drone" opens the page with ?alert=ID: the form starts on the intercept, filled
    # in (the widgets' defaults follow the alert, so another alert starts them afresh)
    label = st.radio(
        "Plan from", labels, index=0 if alert_id else 1, key=_KEY_SOURCE, horizontal=True
    )
    kind = SOURCES[label or labels[1]]
    _source_widgets(kind, alert_id)
    with st.expander("Setup: home, altitude, speed, battery, start, wind", expanded=False):
        _setup_widgets()
    if not st.button("Plan", type="primary", key="mission_plan_button"):
        return None
    try:
        return _plan(current, kind)
    except CoastwatchError as error:
        state.show_error(error)
        return None
