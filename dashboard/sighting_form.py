"""The operator's form for what a drone saw: where, when, the vessel if it could be told (its
MMSI), a photo and a note, and the alert or mission it answers. It becomes a drone detection
(``drone_ops.sightings.report_sighting``): matched against AIS at once, used by the dark
vessel rules, and shown on the alert it answers."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboard import state
from dashboard.data.mission_areas import point_from_text
from drone_ops.sightings import Sighting, SightingOutcome, report_sighting
from surveillance.errors import CoastwatchError, InputError
from surveillance.times import parse_time

__all__ = ["sighting_form"]

_PHOTO_TYPES = ["jpg", "jpeg", "png"]


def _number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{what}: not a number: {text!r}") from None


def _said(outcome: SightingOutcome) -> str:
    """What became of the sighting, in a line."""
    kept = "stored as" if outcome.new else "already stored as"
    if outcome.matched_mmsi is not None:
        found = f"the vessel is MMSI {outcome.matched_mmsi}"
    elif outcome.dark:
        found = "no AIS vessel could have been there: dark"
    else:
        found = "not matched to an AIS vessel"
    answers = f", attached to alert {outcome.alert_id}" if outcome.alert_id else ""
    return f"{kept} detection {outcome.detection_id}{answers}: {found}"


def sighting_form(current: state.View, *, alert_id: str | None = None, key: str = "sight") -> None:
    """The form; on submit the sighting is reported and the outcome said as text."""
    with st.form(key, clear_on_submit=False):
        left, right = st.columns(2)
        at = left.text_input("Where (lat, lon)", key=f"{key}_at", placeholder="34.20, 129.30")
        when = right.text_input(
            "When (UTC; empty: now)", key=f"{key}_when", placeholder="2026-12-01T20:00:00Z"
        )
        mmsi = left.text_input("MMSI, if it could be read (empty: unknown)", key=f"{key}_mmsi")
        length = right.text_input("Length (m), if estimated", key=f"{key}_length")
        answers = left.text_input("Alert it answers", value=alert_id or "", key=f"{key}_alert")
        mission = right.text_input("Mission id", key=f"{key}_mission")
        note = st.text_area("Note", key=f"{key}_note", max_chars=2000)
        photo = st.file_uploader("Photo (JPEG or PNG)", type=_PHOTO_TYPES, key=f"{key}_photo")
        sent = st.form_submit_button("Report the sighting")
    if not sent:
        return
    try:
        point = point_from_text(at, "where")
        mmsi_n, mission_n = _number(mmsi, "MMSI"), _number(mission, "mission id")
        sighting = Sighting(
            lon=point.lon,
            lat=point.lat,
            ts=parse_time(when, "when") if when.strip() else datetime.now(UTC),
            mmsi=None if mmsi_n is None else int(mmsi_n),
            length_m=_number(length, "length"),
            note=note.strip() or None,
            photo=None if photo is None else photo.getvalue(),
            photo_name=None if photo is None else photo.name,
            alert_id=answers.strip() or None,
            mission_id=None if mission_n is None else int(mission_n),
            reported_by=current.actor,
        )
        st.success(_said(report_sighting(current.store, sighting)))
    except CoastwatchError as error:
        state.show_error(error)
