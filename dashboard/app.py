"""The Coastwatch dashboard: ``streamlit run dashboard/app.py`` (what ``coastwatch dashboard``
starts). A login first (dashboard/auth.py); then one page per job, those the user's role may
open in the sidebar (surveillance/access.py); the sidebar (time window, area, Log out) is
shared. A page opened by its address without the right is refused in words.

``?alert=<id>`` and ``?mmsi=<n>`` on the app's address open that alert or vessel.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, state
from surveillance.access import can, require
from surveillance.errors import CoastwatchError
from surveillance.store import UserRecord

_PICTURE = ("map", "alerts.read")
#: Each page: its file, title, icon, address, and the abilities it needs (all of them).
_PAGES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "map": ("page_map.py", "Operations map", ":material/map:", _PICTURE),
    "alerts": ("page_alerts.py", "Alerts", ":material/notifications:", _PICTURE),
    "alert": ("page_alert.py", "Alert", ":material/report:", _PICTURE),
    "vessel": ("page_vessel.py", "Vessel", ":material/directions_boat:", _PICTURE),
    "leads": ("page_leads.py", "Leads", ":material/travel_explore:", ("leads",)),
    # the drone operator plans and flies; the monitor and intel follow (missions.read)
    "missions": ("page_missions.py", "Missions", ":material/flight:", ("missions.read",)),
    "reports": ("page_reports.py", "Reports", ":material/download:", ("reports",)),
    "sources": ("page_sources.py", "Sources", ":material/sensors:", ("sources",)),
    "users": ("page_users.py", "Users", ":material/group:", ("users",)),
    "audit": ("page_audit.py", "Audit", ":material/policy:", ("audit",)),
}


def _may(role: str | None, name: str) -> bool:
    return role is not None and all(can(role, ability) for ability in _PAGES[name][3])


def _pages(role: str | None) -> dict[str, st.Page]:
    """Every page, those the role may not open hidden from the navigation (so that their
    address is refused in words, not "not found"; before the login, all of them, so that
    the address asked for opens once logged in); the first the role may open is the app's
    bare address."""
    default = next((name for name in _PAGES if _may(role, name)), "map")
    return {
        name: st.Page(
            path,
            title=title,
            icon=icon,
            url_path=name,
            default=name == default,
            visibility="visible" if _may(role, name) else "hidden",
        )
        for name, (path, title, icon, _) in _PAGES.items()
    }


def _refuse_unless_allowed(user: UserRecord, name: str) -> None:
    for ability in _PAGES[name][3]:
        require(user.username, user.role, ability)


def main() -> None:
    st.set_page_config(page_title="Coastwatch", page_icon="⚓", layout="wide")
    user = auth.current_user()
    pages = _pages(None if user is None else user.role)
    current = st.navigation(list(pages.values()))
    if user is None:
        auth.login_form()
        st.stop()
    if current.url_path == "":  # the app's bare address
        if "alert" in st.query_params:
            st.switch_page(pages["alert"], query_params={"alert": st.query_params["alert"]})
        if "mmsi" in st.query_params:
            st.switch_page(pages["vessel"], query_params={"mmsi": st.query_params["mmsi"]})
    (name,) = [n for n, page in pages.items() if page is current]
    try:
        state.sidebar()  # with Log out, on a refused page too
        _refuse_unless_allowed(user, name)
        current.run()
    except CoastwatchError as error:  # e.g. the store refusing a read to the user's role
        state.show_error(error)


main()
