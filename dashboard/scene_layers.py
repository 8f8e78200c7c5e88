"""The satellite layers of the map: each scene's quicklook (an image warped to lon/lat over
its footprint's bounds), the footprints' outlines, and the detections coloured by what AIS
says of them. Imported by the pages that draw them, which registers the switchable ones."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import pydeck as pdk
import shapely

from dashboard import tooltip
from dashboard.data.scenes import map_detections, quicklooks, scene_footprints
from dashboard.layers import MapContext, register

__all__ = [
    "DETECTION_COLOURS",
    "detection_layer",
    "detections_of",
    "footprint_layer",
    "quicklook_layers",
]

#: RGB of each kind of detection: AIS-matched green, dark red, the rest amber.
DETECTION_COLOURS: dict[str, list[int]] = {
    "matched": [0, 158, 115],
    "dark": [230, 30, 30],
    "unmatched": [240, 170, 0],
}
_SCENE_LINE = [90, 40, 160]


def footprint_layer(footprints: gpd.GeoDataFrame) -> pdk.Layer:
    """The scenes' outlines, faintly filled so that a pointer inside one names its scene."""
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(row.geometry),
            "properties": {"id": int(row.id), **{f: getattr(row, f) for f in tooltip.FIELDS}},
        }
        for row in footprints.itertuples()
    ]
    return pdk.Layer(
        "GeoJsonLayer",
        id="scene_footprints",
        data={"type": "FeatureCollection", "features": features},
        filled=True,
        stroked=True,
        get_fill_color=[*_SCENE_LINE, 12],
        get_line_color=[*_SCENE_LINE, 230],
        line_width_min_pixels=2,
        pickable=True,
    )


def quicklook_layers(images: pd.DataFrame) -> list[pdk.Layer]:
    """One image layer per quicklook (``id, image, bounds`` of :func:`quicklooks`). The
    data URL is quoted: pydeck would send an unquoted string as an accessor expression."""
    return [
        pdk.Layer(
            "BitmapLayer",
            id=f"quicklook-{row.id}",
            image=f"'{row.image}'",
            bounds=row.bounds,
            opacity=0.85,
            pickable=False,
        )
        for row in images.itertuples()
    ]


def detection_layer(detections: pd.DataFrame, layer_id: str = "detections") -> pdk.Layer:
    """Detections (``id, scene_id, lon, lat, kind`` and the tooltip fields) as discs in
    the colour of their kind, outlined in white; picking one names its ``id``."""
    colours: list[Any] = [DETECTION_COLOURS[k] + [235] for k in detections["kind"]]
    data = detections[["id", "scene_id", "lon", "lat", "kind", *tooltip.FIELDS]].assign(
        scene_id=pd.Series(
            [None if pd.isna(s) else int(s) for s in detections["scene_id"]],
            index=detections.index,
            dtype=object,
        ),
        colour=pd.Series(colours, index=detections.index, dtype=object),
    )
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=data,
        get_position=["lon", "lat"],
        get_fill_color="colour",
        get_line_color=[255, 255, 255],
        stroked=True,
        get_radius=250,
        radius_min_pixels=5,
        radius_max_pixels=12,
        line_width_min_pixels=2,
        pickable=True,
    )


def _footprints_of(ctx: MapContext) -> gpd.GeoDataFrame:
    """The scenes in view, read once per map for both of their layers."""
    if "scene_footprints" not in ctx.extra:
        ctx.extra["scene_footprints"] = scene_footprints(ctx.store, ctx.window, ctx.bbox)
    found: gpd.GeoDataFrame = ctx.extra["scene_footprints"]
    return found


@register("quicklooks", "Scene quicklooks", before="zones")
def _quicklooks(ctx: MapContext) -> list[pdk.Layer]:
    return quicklook_layers(quicklooks(ctx.store, _footprints_of(ctx)))


@register("scenes", "Scene footprints", before="zones")
def _footprints(ctx: MapContext) -> list[pdk.Layer]:
    footprints = _footprints_of(ctx)
    return [footprint_layer(footprints)] if len(footprints) else []


def detections_of(ctx: MapContext) -> pd.DataFrame:
    """The detections in view (:func:`map_detections`), read once per map for the layer
    and the page's chip panel."""
    if "detections" not in ctx.extra:
        ctx.extra["detections"] = map_detections(ctx.store, ctx.window, ctx.bbox)
    found: pd.DataFrame = ctx.extra["detections"]
    return found


@register("detections", "Satellite detections")
def _detections(ctx: MapContext) -> list[pdk.Layer]:
    found = detections_of(ctx)
    return [detection_layer(found)] if len(found) else []
