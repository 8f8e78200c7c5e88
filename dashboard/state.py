"""What every page shares: the logged-in user and their role's store, the sidebar (time
window, area of operations, who is logged in) and cached reads.

The sidebar's widgets keep their values in ``st.session_state`` under the keys below, so a
page (or a live fragment rerunning on its own) recomputes the same :class:`View` with
:func:`view` without drawing the sidebar again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from dashboard import auth, stores
from dashboard.data import basemap, operations
from surveillance.access import can
from surveillance.errors import CoastwatchError
from surveillance.redaction import mask_secrets, secrets_in_force
from surveillance.settings import Settings
from surveillance.store import BBox, Store, UserRecord, Window
from surveillance.times import people_utc

__all__ = [
    "View",
    "WINDOWS",
    "cached_base_map",
    "cached_map_data",
    "show_error",
    "sidebar",
    "view",
]

#: The sidebar's time windows: label -> hours back from the newest position (None: custom).
WINDOWS: dict[str, float | None] = {"Last hour": 1.0, "Last 24 h": 24.0, "Custom": None}
_DEFAULT_WINDOW = "Last 24 h"
_KEY_WINDOW = "window_choice"
_KEY_FROM_DAY, _KEY_FROM_TIME = "window_from_day", "window_from_time"
_KEY_TO_DAY, _KEY_TO_TIME = "window_to_day", "window_to_time"
_KEY_BOX_ON = "box_on"
_KEY_BOX = ("box_west", "box_south", "box_east", "box_north")
_MAP_CACHE_S = 60
_NEWEST_CACHE_S = 5  # the newest position is a scan of the positions: not on every click


@dataclass(frozen=True)
class View:
    """What the sidebar says (the time window, the box to look in) and who is looking:
    ``store`` runs every query under the user's role."""

    settings: Settings
    store: Store
    window: Window
    bbox: BBox
    user: UserRecord
    newest: datetime | None  # the newest position in the store

    @property
    def actor(self) -> str:
        """Who is acting: the logged-in user's name (recorded with every action)."""
        return self.user.username

    def can(self, ability: str) -> bool:
        """Whether the user's role holds ``ability`` (surveillance/access.py)."""
        return can(self.user.role, ability)

    @property
    def store_key(self) -> str:
        """Identifies the store and its role in cache keys (several stores, and every role's,
        may share one process: one role's cached rows must never reach another)."""
        return stores.store_key(self.store, self.user.role)


def show_error(error: CoastwatchError) -> None:
    """A Coastwatch error as the user should see it: the message (secrets masked) and the
    hint."""
    said = mask_secrets(str(error), secrets_in_force())
    st.error(said + (f"\n\n{error.hint}" if error.hint else ""))


def _end_of(newest: datetime | None) -> datetime:
    """The end of relative windows: the minute after the newest position (or now)."""
    if newest is None:
        return datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return newest.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=UTC)


@st.cache_data(ttl=_NEWEST_CACHE_S, max_entries=16, show_spinner=False)
def _newest(key: str, _store: Store) -> datetime | None:
    return _store.latest_position_time()


def view() -> View:
    """The current view from the sidebar's values (their defaults before it is drawn), for
    the user logged in (the run stops when nobody is)."""
    user = auth.session_user()
    current = stores.settings()
    opened = stores.role_store(current, user.role)
    newest = _newest(stores.store_key(opened, user.role), opened)
    end = _end_of(newest)
    state = st.session_state
    hours = WINDOWS.get(state.get(_KEY_WINDOW, _DEFAULT_WINDOW), 24.0)
    if hours is None:
        since = _at(
            state.get(_KEY_FROM_DAY, (end - timedelta(days=1)).date()),
            state.get(_KEY_FROM_TIME, end.time()),
        )
        until = _at(state.get(_KEY_TO_DAY, end.date()), state.get(_KEY_TO_TIME, end.time()))
        if until <= since:
            until = since + timedelta(hours=1)
        window: Window = (since, until)
    else:
        window = (end - timedelta(hours=hours), end)
    bbox = current.aoi_bbox_deg
    if state.get(_KEY_BOX_ON):
        chosen = tuple(float(state.get(k, v)) for k, v in zip(_KEY_BOX, bbox, strict=True))
        west, south, east, north = chosen
        if west < east and south < north:
            bbox = (west, south, east, north)
    return View(current, opened, window, bbox, user, newest)


def sidebar() -> View:
    """Draw the shared sidebar and return the view it selects."""
    current = view()
    end = _end_of(current.newest)
    auth.logout_button(current.user)
    with st.sidebar:
        st.subheader("Time window")
        st.radio(
            "Window",
            list(WINDOWS),
            key=_KEY_WINDOW,
            index=1,
            horizontal=True,
            label_visibility="collapsed",
        )
        if st.session_state.get(_KEY_WINDOW) == "Custom":
            start = end - timedelta(days=1)
            left, right = st.columns(2)
            left.date_input("From (UTC)", value=start.date(), key=_KEY_FROM_DAY)
            right.time_input("at", value=start.time(), key=_KEY_FROM_TIME, step=300)
            left.date_input("To (UTC)", value=end.date(), key=_KEY_TO_DAY)
            right.time_input("at ", value=end.time(), key=_KEY_TO_TIME, step=300)
        current = view()
        since, until = current.window
        st.caption(f"{people_utc(since)} to {people_utc(until)} UTC")
        if current.newest is None:
            st.caption("The store holds no positions yet.")
        else:
            st.caption(f"Newest position: {people_utc(current.newest, seconds=True)} UTC")
        st.subheader("Area of operations")
        aoi = current.settings.aoi_bbox_deg
        st.caption(
            f"**{current.settings.aoi_name}**: W {aoi[0]}, S {aoi[1]}, E {aoi[2]}, N {aoi[3]}"
        )
        st.checkbox("Only a box inside it", key=_KEY_BOX_ON)
        if st.session_state.get(_KEY_BOX_ON):
            left, right = st.columns(2)
            for column, key, label, value in zip(
                (left, left, right, right),
                _KEY_BOX,
                ("West", "South", "East", "North"),
                aoi,
                strict=True,
            ):
                column.number_input(label, value=float(value), key=key, format="%.3f")
    return view()


@st.cache_resource(ttl=3600, max_entries=4, show_spinner="Drawing the coast")
def _base_map(key: str, aoi: str, _store: Store) -> basemap.BaseMap:
    return basemap.base_map(_store, aoi)


def cached_base_map(current: View) -> basemap.BaseMap:
    """Land, zones and ports: read once an hour per store and area."""
    return _base_map(current.store_key, current.settings.aoi_name, current.store)


@st.cache_resource(ttl=_MAP_CACHE_S, max_entries=3, show_spinner="Reading positions")
def _map_data(key: str, window: Window, bbox: BBox, _store: Store) -> operations.MapData:
    return operations.map_data(_store, window, bbox)


def cached_map_data(current: View) -> operations.MapData:
    """The map's data for the view (kept a minute, and shared by the sessions; treated
    as read-only)."""
    return _map_data(current.store_key, current.window, current.bbox, current.store)
