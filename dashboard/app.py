"""The Coastwatch dashboard: ``streamlit run dashboard/app.py`` (what ``coastwatch dashboard``
starts). One page per job; the sidebar (time window, area, who you are) is shared.

``?alert=<id>`` and ``?mmsi=<n>`` on the app's address open that alert or vessel.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from surveillance.errors import CoastwatchError


def main() -> None:
    st.set_page_config(page_title="Coastwatch", page_icon="⚓", layout="wide")
    pages = {
        "map": st.Page(
            "page_map.py",
            title="Operations map",
            icon=":material/map:",
            url_path="map",
            default=True,
        ),
        "alerts": st.Page(
            "page_alerts.py", title="Alerts", icon=":material/notifications:", url_path="alerts"
        ),
        "alert": st.Page(
            "page_alert.py", title="Alert", icon=":material/report:", url_path="alert"
        ),
        "vessel": st.Page(
            "page_vessel.py", title="Vessel", icon=":material/directions_boat:", url_path="vessel"
        ),
        "missions": st.Page(
            "page_missions.py", title="Missions", icon=":material/flight:", url_path="missions"
        ),
        "reports": st.Page(
            "page_reports.py", title="Reports", icon=":material/download:", url_path="reports"
        ),
        "sources": st.Page(
            "page_sources.py", title="Sources", icon=":material/sensors:", url_path="sources"
        ),
    }
    current = st.navigation(list(pages.values()))
    if current.url_path == pages["map"].url_path:  # the app's bare address
        if "alert" in st.query_params:
            st.switch_page(pages["alert"], query_params={"alert": st.query_params["alert"]})
        if "mmsi" in st.query_params:
            st.switch_page(pages["vessel"], query_params={"mmsi": st.query_params["mmsi"]})
    try:
        state.sidebar()
    except CoastwatchError as error:
        state.show_error(error)
        st.stop()
    current.run()


main()
