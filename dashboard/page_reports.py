"""Reports: an area (the sidebar's box, an uploaded GeoJSON polygon, or everywhere), the
sidebar's window and a choice of alert types, downloaded as GeoPackage, GeoJSON, KML, CSV or
a PDF brief; each download is recorded (who, what, when)."""

from __future__ import annotations

from collections.abc import Callable

import shapely
import streamlit as st

from dashboard import state
from dashboard.data.sources import report_preview
from surveillance.alert_types import alert_types
from surveillance.errors import CoastwatchError
from surveillance.report.area import parse_area
from surveillance.report.export import export
from surveillance.report.formats import FORMATS
from surveillance.report.request import ReportRequest
from surveillance.store import Store
from surveillance.times import people_utc

_AREAS = ("The sidebar's box", "A GeoJSON polygon", "Everywhere")
_LABELS = {
    "gpkg": "GeoPackage",
    "geojson": "GeoJSON",
    "kml": "KML",
    "csv": "CSV",
    "pdf": "PDF brief",
}
_MIME = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv",
    "pdf": "application/pdf",
}


def _area(current: state.View) -> shapely.Geometry | None:
    choice = st.radio("Area", _AREAS, horizontal=True, key="report_area")
    if choice == _AREAS[0]:
        west, south, east, north = current.bbox
        st.caption(f"W {west}, S {south}, E {east}, N {north}")
        return parse_area(bbox=f"{west},{south},{east},{north}")
    if choice == _AREAS[1]:
        upload = st.file_uploader(
            "GeoJSON polygon (EPSG:4326)", type=["geojson", "json"], key="report_geojson"
        )
        if upload is None:
            st.info("Upload a Polygon, MultiPolygon, or a Feature(Collection) of them.")
            st.stop()
        return parse_area(geojson=upload.getvalue())
    return None


def _export(store: Store, request: ReportRequest, fmt: str, actor: str) -> Callable[[], bytes]:
    """The file, made (and the export recorded) only when the button is pressed."""

    def make() -> bytes:
        data, _ = export(store, request, fmt, actor)
        return data

    return make


def render() -> None:
    current = state.view()
    st.header("Reports")
    try:
        area = _area(current)
        types = st.multiselect(
            "Alert types", alert_types(), key="report_types", placeholder="all types"
        )
        since, until = current.window
        request = ReportRequest(since, until, area, tuple(types))
    except CoastwatchError as error:
        state.show_error(error)
        return
    st.caption(
        f"Alerts going on between {people_utc(since)} and {people_utc(until)} UTC "
        "(the sidebar's window)."
    )
    preview = report_preview(current.store, request)
    st.markdown(f"**{len(preview)} alert{'s' * (len(preview) != 1)}** in the report.")
    stamp = f"{since:%Y%m%dT%H%M}-{until:%Y%m%dT%H%M}"
    buttons = st.columns(len(FORMATS))
    for column, fmt in zip(buttons, FORMATS, strict=True):
        column.download_button(
            _LABELS.get(fmt, fmt),
            data=_export(current.store, request, fmt, current.actor),
            file_name=f"coastwatch-{stamp}.{fmt}",
            mime=_MIME.get(fmt, "application/octet-stream"),
            key=f"report_{fmt}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
    st.caption(f"Each download is recorded as made by `{current.actor}`.")
    st.dataframe(
        preview,
        hide_index=True,
        width="stretch",
        column_config={
            "score": st.column_config.NumberColumn("Score"),
            "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
            "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
        },
    )
    exports = current.store.exports(limit=10)
    if not exports.empty:
        st.subheader("Latest exports")
        st.dataframe(exports.drop(columns=["area"]), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
