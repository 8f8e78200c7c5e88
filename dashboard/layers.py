"""The map's layers: a registry of builders, each turning a :class:`MapContext` into
pydeck layers, and the deck that stacks them over the offline base map.

A later source adds its layer by adding a builder here or in its own module, imported by
the map page (the satellite scenes' are in :mod:`dashboard.scene_layers`)::

    @register("detections", "Satellite detections", default=True)
    def detections(ctx: MapContext) -> list[pdk.Layer]:
        found = map_detections(ctx.store, ctx.window, ctx.bbox)
        ...

Builders receive plain data (DataFrames, GeoJSON dicts) and return layers; nothing here
reads positions row by row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import tooltip
from dashboard.data.basemap import BaseMap
from dashboard.data.common import SHIP_CATEGORIES
from dashboard.data.learnt import anchorage_cells, coverage_cells
from dashboard.data.operations import MapData
from dashboard.data.positions import replay_tracks
from surveillance.rule_settings import BaseRuleSettings
from surveillance.store import BBox, Store, Window

__all__ = [
    "CATEGORY_COLOURS",
    "CompactDeck",
    "LAYERS",
    "LayerSpec",
    "MapContext",
    "base_layers",
    "deck",
    "land",
    "offline_deck",
    "ports",
    "register",
    "sea",
    "zones",
    "tile_layers",
    "track_colour",
    "view_for_bbox",
]

#: RGB of each ship category (a colour-blind-friendly palette where it can be).
CATEGORY_COLOURS: dict[str, list[int]] = dict(
    zip(
        SHIP_CATEGORIES,
        [
            [0, 114, 178],
            [213, 94, 0],
            [204, 121, 167],
            [0, 158, 115],
            [240, 228, 66],
            [86, 180, 233],
            [40, 40, 40],
            [148, 103, 189],
            [140, 140, 140],
            [190, 190, 190],
        ],
        strict=True,
    )
)
ALERT_RED = [230, 30, 30]
_PALETTE = [[230, 30, 30], [0, 114, 178], [0, 158, 115], [213, 94, 0], [148, 103, 189]]
_TILE_PX = 256
_MAX_TILES = 64


def track_colour(index: int) -> list[int]:
    """A distinct colour for the ``index``-th vessel of an alert or a replay."""
    return _PALETTE[index % len(_PALETTE)]


def view_for_bbox(bbox: BBox, width_px: int = 900, height_px: int = 520) -> pdk.ViewState:
    """The centre and zoom (web mercator) that fit ``bbox`` into a map of the given size."""
    west, south, east, north = bbox
    lat = (south + north) / 2
    dlon = max(east - west, 1e-3)
    dlat = max((north - south) / max(math.cos(math.radians(lat)), 0.05), 1e-3)
    zoom = math.log2(min(width_px * 360 / (_TILE_PX * dlon), height_px * 360 / (_TILE_PX * dlat)))
    return pdk.ViewState(
        longitude=(west + east) / 2, latitude=lat, zoom=max(1.0, min(zoom, 15.0)), pitch=0
    )


@dataclass
class MapContext:
    """What layer builders may draw: the base map, the picture of the window, the vessels
    selected for replay and the replay time; the store for layers that read their own."""

    store: Store
    window: Window
    bbox: BBox
    base: BaseMap
    picture: MapData
    replay_mmsi: Sequence[int] = ()
    replay_until_s: float | None = None  # seconds after the window's start
    extra: dict[str, Any] = field(default_factory=dict)
    #: the grid of the learnt maps (``rules.coverage_cell_deg`` of the settings in force)
    cell_deg: float = BaseRuleSettings.model_fields["coverage_cell_deg"].default


Builder = Callable[[MapContext], list[pdk.Layer]]


@dataclass(frozen=True)
class LayerSpec:
    key: str
    label: str
    default: bool
    build: Builder
    #: the ability a role needs to be offered the layer (surveillance/access.py); None: all
    ability: str | None = None


#: The switchable layers, drawn in this order (the first at the bottom).
LAYERS: dict[str, LayerSpec] = {}


def register(
    key: str,
    label: str,
    *,
    default: bool = True,
    before: str | None = None,
    ability: str | None = None,
) -> Callable[[Builder], Builder]:
    """Add a switchable layer to the map (``label`` is its checkbox), drawn over those
    registered before it, or under the layer ``before`` (an image under the outlines);
    offered only to the roles holding ``ability`` when one is given."""

    def add(build: Builder) -> Builder:
        LAYERS[key] = LayerSpec(key, label, default, build, ability)
        if before is not None:
            order = [k for k in LAYERS if k != key]
            order.insert(order.index(before), key)
            for k in order:  # re-insert in that order
                LAYERS[k] = LAYERS.pop(k)
        return build

    return add


def sea() -> pdk.Layer:
    """The sea: one polygon under everything (the map has no basemap provider)."""
    return pdk.Layer(
        "SolidPolygonLayer",
        id="sea",
        data=[{"polygon": [[-180, -85], [180, -85], [180, 85], [-180, 85]]}],
        get_polygon="polygon",
        get_fill_color=[205, 224, 240],
        pickable=False,
    )


def land(base: BaseMap) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id="land",
        data=base.land,
        filled=True,
        stroked=True,
        get_fill_color=[232, 226, 210],
        get_line_color=[120, 110, 90],
        line_width_min_pixels=1,
        pickable=False,
    )


def tile_layers(url: str, bbox: BBox) -> list[pdk.Layer]:
    """An online base map from an XYZ tile server (``.../{z}/{x}/{y}.png``): the tiles of
    one zoom level covering ``bbox``, each placed as an image."""
    west, south, east, north = bbox

    def tile_x(lon: float, z: int) -> int:
        return int((lon + 180) / 360 * 2**z)

    def tile_y(lat: float, z: int) -> int:
        rad = math.radians(max(min(lat, 85.05), -85.05))
        return int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * 2**z)

    def lon_of(x: int, z: int) -> float:
        return x / 2**z * 360 - 180

    def lat_of(y: int, z: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**z))))

    zoom = 1
    for z in range(1, 12):
        count = (tile_x(east, z) - tile_x(west, z) + 1) * (tile_y(south, z) - tile_y(north, z) + 1)
        if count > _MAX_TILES:
            break
        zoom = z
    layers = []
    for x in range(tile_x(west, zoom), tile_x(east, zoom) + 1):
        for y in range(tile_y(north, zoom), tile_y(south, zoom) + 1):
            image = url.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
            bounds = [lon_of(x, zoom), lat_of(y + 1, zoom), lon_of(x + 1, zoom), lat_of(y, zoom)]
            layers.append(
                pdk.Layer("BitmapLayer", id=f"tile-{zoom}-{x}-{y}", image=image, bounds=bounds)
            )
    return layers


def zones(base: BaseMap) -> pdk.Layer:
    """Zone outlines (territorial sea, contiguous zone, port areas, ...), not pickable:
    while they were, a click on anything drawn over them (a detection, a vessel) never
    reached the map's ``on_select`` in the browser, though hovering still picked it."""
    return pdk.Layer(
        "GeoJsonLayer",
        id="zones",
        data=base.zones,
        filled=False,
        stroked=True,
        get_line_color="properties.colour",
        line_width_min_pixels=1,
        pickable=False,
    )


def ports(base: BaseMap, radius_m: float = 800) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer",
        id="ports",
        data=base.ports,
        get_position=["lon", "lat"],
        get_fill_color=[60, 60, 60, 220],
        get_radius=radius_m,
        radius_min_pixels=2,
        radius_max_pixels=5,
        pickable=True,
    )


def base_layers(base: BaseMap, bbox: BBox, tile_url: str | None = None) -> list[pdk.Layer]:
    """Under everything: the tiles of a tile server when one is set, else sea and land."""
    return tile_layers(tile_url, bbox) if tile_url else [sea(), land(base)]


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which makes the
    map's JSON several times larger for the same content (and slower to send and parse)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def offline_deck(layers: list[pdk.Layer], view_state: pdk.ViewState, height: int = 500) -> pdk.Deck:
    """A deck without a basemap provider, so the browser fetches nothing.

    ``map_provider=None`` leaves pydeck's map-style placeholder in place, which Streamlit
    takes as "no basemap"; an explicit ``map_style=None`` would make Streamlit fetch its
    default (Carto) style instead.
    """
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state,
        map_provider=None,
        tooltip=tooltip.TOOLTIP,
        height=height,
    )


@register("zones", "Zones")
def _zones(ctx: MapContext) -> list[pdk.Layer]:
    return [zones(ctx.base)]


@register("ports", "Ports")
def _ports(ctx: MapContext) -> list[pdk.Layer]:
    return [ports(ctx.base)]


def _cells(key: str, data: pd.DataFrame, fill: Any, line: list[int]) -> list[pdk.Layer]:
    """Grid cells of a learnt map as filled squares (none when the map is empty)."""
    if data.empty:
        return []
    return [
        pdk.Layer(
            "PolygonLayer",
            id=key,
            data=data,
            get_polygon="polygon",
            get_fill_color=fill,
            get_line_color=line,
            stroked=True,
            line_width_min_pixels=1,
            pickable=True,
        )
    ]


@register("coverage", "Coverage (messages / hour)", default=False)
def _coverage(ctx: MapContext) -> list[pdk.Layer]:
    cells = coverage_cells(ctx.store, ctx.window, ctx.cell_deg)
    return _cells("coverage", cells, "colour", [0, 0, 0, 0])


@register("anchorages", "Anchorages (learnt)")
def _anchorages(ctx: MapContext) -> list[pdk.Layer]:
    return _cells(
        "anchorages", anchorage_cells(ctx.store, ctx.cell_deg), [0, 120, 90, 70], [0, 120, 90, 220]
    )


@register("all_tracks", "Tracks of all vessels", default=False)
def _all_tracks(ctx: MapContext) -> list[pdk.Layer]:
    tracks = ctx.picture.tracks
    colours = [CATEGORY_COLOURS.get(c, [140, 140, 140]) + [110] for c in tracks["category"]]
    return [
        pdk.Layer(
            "PathLayer",
            id="all_tracks",
            data=tracks.assign(colour=pd.Series(colours, index=tracks.index, dtype=object))[
                ["path", "colour", *tooltip.FIELDS]
            ],
            get_path="path",
            get_color="colour",
            width_min_pixels=1,
            get_width=1,
            pickable=True,
        )
    ]


@register("alerts", "Alerts")
def _alerts(ctx: MapContext) -> list[pdk.Layer]:
    alerts = ctx.picture.alerts
    if alerts.empty:
        return []
    score = alerts["score"].to_numpy(dtype=float)
    colours = np.column_stack(
        [
            np.full(len(score), 230),
            (200 - 1.8 * score).clip(20, 200),
            np.full(len(score), 30),
            np.full(len(score), 90),
        ]
    ).astype(int)
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="alerts",
            data=alerts[["lon", "lat", "id", "score", *tooltip.FIELDS]].assign(
                colour=colours.tolist()
            ),
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_line_color=ALERT_RED,
            stroked=True,
            get_radius=5000,
            radius_min_pixels=8,
            radius_max_pixels=40,
            line_width_min_pixels=2,
            pickable=True,
        )
    ]


@register("replay", "Replay of selected vessels")
def _replay(ctx: MapContext) -> list[pdk.Layer]:
    if not ctx.replay_mmsi:
        return []
    origin = ctx.window[0].timestamp()
    trips = replay_tracks(
        ctx.store.position_arrays(ctx.window, mmsi=ctx.replay_mmsi), ctx.replay_mmsi, origin
    )
    if trips.empty:
        return []
    until = ctx.replay_until_s
    if until is None:
        until = ctx.window[1].timestamp() - origin
    trips["colour"] = [track_colour(i) for i in range(len(trips))]
    heads = []
    for row in trips.itertuples():  # one row per selected vessel
        times = np.asarray(row.timestamps)
        path = np.asarray(row.path)
        if times[0] > until:
            continue
        heads.append(
            {
                "lon": float(np.interp(until, times, path[:, 0])),
                "lat": float(np.interp(until, times, path[:, 1])),
                "colour": row.colour,
                **tooltip.fields(f"MMSI {row.mmsi}", "replay"),
            }
        )
    return [
        pdk.Layer(
            "TripsLayer",
            id="replay",
            data=trips,
            get_path="path",
            get_timestamps="timestamps",
            get_color="colour",
            width_min_pixels=3,
            trail_length=float(until) + 1.0,
            current_time=float(until),
            fade_trail=False,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="replay_heads",
            data=pd.DataFrame(heads, columns=["lon", "lat", "colour", *tooltip.FIELDS]),
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=600,
            radius_min_pixels=6,
            line_width_min_pixels=2,
            pickable=True,
        ),
    ]


@register("vessels", "Vessels (latest position)")
def _vessels(ctx: MapContext) -> list[pdk.Layer]:
    # Widths stay in metres with a minimum in pixels: deck.gl's "pixels" line units draw
    # the stroke over the whole disc in Streamlit's deck.gl.
    vessels = ctx.picture.vessels
    fill = [CATEGORY_COLOURS.get(c, [140, 140, 140]) + [230] for c in vessels["category"]]
    data = vessels[["mmsi", "lon", "lat", *tooltip.FIELDS]].assign(
        fill=pd.Series(fill, index=vessels.index, dtype=object)
    )
    flagged = vessels.loc[vessels["in_alert"], ["mmsi", "lon", "lat"]]  # not pickable
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="vessel_alert_rings",
            data=flagged,
            get_position=["lon", "lat"],
            filled=False,
            stroked=True,
            get_line_color=ALERT_RED,
            get_radius=900,
            radius_min_pixels=7,
            radius_max_pixels=14,
            line_width_min_pixels=2,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="vessels",
            data=data,
            get_position=["lon", "lat"],
            get_fill_color="fill",
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=400,
            radius_min_pixels=4,
            radius_max_pixels=9,
            line_width_min_pixels=1,
            pickable=True,
        ),
    ]


def deck(
    ctx: MapContext,
    enabled: Sequence[str],
    view_state: pdk.ViewState,
    *,
    tile_url: str | None = None,
    height: int = 620,
) -> pdk.Deck:
    """The operations map: the base (tiles when a tile server is set, else the offline
    land) and the enabled layers in registry order."""
    stack = base_layers(ctx.base, ctx.bbox, tile_url)
    for key, spec in LAYERS.items():
        if key in enabled:
            stack.extend(spec.build(ctx))
    return offline_deck(stack, view_state, height)
