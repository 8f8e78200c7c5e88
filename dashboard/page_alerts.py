"""Alerts: the queue, highest score first, with filters; each row opens its Alert page."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.data.alerts import AlertFilters, alerts_table
from surveillance.alert_types import alert_types
from surveillance.lifecycle import OPEN_STATUSES
from surveillance.models import ALERT_STATUSES


def render() -> None:
    current = state.view()
    st.header("Alerts")
    left, middle, right, last = st.columns([3, 3, 2, 2])
    types = left.multiselect("Type", alert_types(), key="alerts_types", placeholder="all types")
    statuses = middle.multiselect(
        "Status",
        ALERT_STATUSES,
        default=list(OPEN_STATUSES),
        key="alerts_statuses",
        placeholder="all statuses",
    )
    min_score = right.slider("Score at least", 0, 100, 0, step=5, key="alerts_min_score")
    where = last.radio("Where", ["Sidebar box", "Anywhere"], key="alerts_where", horizontal=False)
    in_window = last.checkbox("Starting in the window", value=True, key="alerts_in_window")
    filters = AlertFilters(
        window=current.window if in_window else None,
        bbox=current.bbox if where == "Sidebar box" else None,
        types=tuple(types),
        statuses=tuple(statuses),
        min_score=min_score,
    )
    table = alerts_table(current.store, filters)
    st.caption(
        f"{len(table)} alert{'s' * (len(table) != 1)}"
        + (f" (the first {filters.limit})" if filters.limit and len(table) >= filters.limit else "")
        + ", highest score first. Open one to see its evidence and act on it."
    )
    st.dataframe(
        table.drop(columns=["lon", "lat"]),
        hide_index=True,
        width="stretch",
        key="alerts_table",
        column_config={
            "link": st.column_config.LinkColumn(
                "Alert", display_text=r"alert=(.{8})", help="open the alert"
            ),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%d"
            ),
            "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
            "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
            "hours": st.column_config.NumberColumn("Hours", format="%.1f"),
            "why": st.column_config.TextColumn("Why it scored", width="large"),
            "id": None,
        },
    )
    if not table.empty:
        chosen: str | None = st.selectbox(
            "Open",
            table["id"],
            format_func=lambda i: (
                f"{i[:12]} · "
                + " · ".join(str(v) for v in table.loc[table["id"] == i, ["type", "score"]].iloc[0])
            ),
            key="alerts_open",
        )
        st.page_link(
            "page_alert.py",
            label="Open this alert",
            icon=":material/open_in_new:",
            query_params={"alert": str(chosen)},
        )


if __name__ == "__main__":
    render()
