"""The drone layers of the map: stored missions' routes coloured by status with their
waypoints, a plan being made (route, waypoints, survey area, geofence), each drone's trail
and latest position, and drone sightings. Imported by the pages that draw them, which
registers the switchable ones (as :mod:`dashboard.scene_layers`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pydeck as pdk

import dashboard.scene_layers  # noqa: F401 (registers "detections", kept over the drone layers)
from dashboard import tooltip
from dashboard.data.missions import (
    PlanPicture,
    drone_sightings,
    drone_states,
    drone_trails,
    mission_routes,
)
from dashboard.layers import MapContext, register

__all__ = [
    "DRONE_COLOUR",
    "STATUS_COLOURS",
    "drone_layers",
    "plan_layers",
    "route_layers",
    "sighting_layer",
]

#: RGB of a mission's route by its status (surveillance.vocabulary.MISSION_STATUSES).
STATUS_COLOURS: dict[str, list[int]] = {
    "planned": [0, 114, 178],
    "uploaded": [213, 94, 0],
    "started": [0, 158, 115],
    "flown": [120, 120, 120],
    "aborted": [204, 121, 167],
}
DRONE_COLOUR = [255, 200, 0]
_PLAN_COLOUR = [148, 103, 189]
_SIGHTING_COLOUR = [230, 30, 30]
_NO_FLY = [230, 30, 30]
_STAY_IN = [0, 158, 115]


def _objects(frame: pd.DataFrame, **columns: list[Any]) -> pd.DataFrame:
    """``frame`` with list-valued columns (colours) added row by row."""
    return frame.assign(
        **{k: pd.Series(v, index=frame.index, dtype=object) for k, v in columns.items()}
    )


def _waypoints(routes: pd.DataFrame) -> pd.DataFrame:
    """Every vertex of the routes as a dot naming its mission and its number."""
    rows = [
        {
            "lon": lon,
            "lat": lat,
            "colour": STATUS_COLOURS.get(status, STATUS_COLOURS["planned"]),
            **tooltip.fields(title, "home" if n == 0 else f"waypoint {n}", line1),
        }
        for status, path, title, line1 in zip(
            routes["status"], routes["path"], routes["title"], routes["line1"], strict=True
        )
        for n, (lon, lat) in enumerate(path)
    ]
    return pd.DataFrame(rows, columns=["lon", "lat", "colour", *tooltip.FIELDS])


def route_layers(routes: pd.DataFrame, layer_id: str = "missions") -> list[pdk.Layer]:
    """Mission routes (``id, status, path`` and the tooltip fields) as lines in the colour
    of their status, each waypoint a dot."""
    if routes.empty:
        return []
    colours = [STATUS_COLOURS.get(s, STATUS_COLOURS["planned"]) + [230] for s in routes["status"]]
    return [
        pdk.Layer(
            "PathLayer",
            id=layer_id,
            data=_objects(routes, colour=colours),
            get_path="path",
            get_color="colour",
            width_min_pixels=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id=f"{layer_id}_waypoints",
            data=_waypoints(routes),
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=30,
            radius_min_pixels=3,
            radius_max_pixels=6,
            line_width_min_pixels=1,
            pickable=True,
        ),
    ]


def plan_layers(picture: PlanPicture) -> list[pdk.Layer]:
    """A plan being made: its geofence (no-fly zones red, stay-inside green), the survey
    area, the route and its numbered waypoints."""
    stack = []
    if len(picture.fence):
        colours = [
            (_STAY_IN if inside else _NO_FLY) + [50] for inside in picture.fence["inclusion"]
        ]
        stack.append(
            pdk.Layer(
                "PolygonLayer",
                id="plan_fence",
                data=_objects(picture.fence, colour=colours),
                get_polygon="polygon",
                get_fill_color="colour",
                get_line_color=_NO_FLY,
                stroked=True,
                line_width_min_pixels=2,
                pickable=True,
            )
        )
    if picture.areas:
        areas = [{"polygon": a, **tooltip.fields("survey area")} for a in picture.areas]
        stack.append(
            pdk.Layer(
                "PolygonLayer",
                id="plan_area",
                data=areas,
                get_polygon="polygon",
                get_fill_color=[*_PLAN_COLOUR, 40],
                get_line_color=[*_PLAN_COLOUR, 230],
                stroked=True,
                line_width_min_pixels=2,
                pickable=True,
            )
        )
    stack += [
        pdk.Layer(
            "PathLayer",
            id="plan_route",
            data=picture.route,
            get_path="path",
            get_color=[*_PLAN_COLOUR, 240],
            width_min_pixels=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="plan_waypoints",
            data=picture.waypoints,
            get_position=["lon", "lat"],
            get_fill_color=[*_PLAN_COLOUR, 240],
            get_line_color=[255, 255, 255],
            stroked=True,
            get_radius=25,
            radius_min_pixels=3,
            radius_max_pixels=7,
            line_width_min_pixels=1,
            pickable=True,
        ),
    ]
    return stack


def drone_layers(states: pd.DataFrame, trails: pd.DataFrame) -> list[pdk.Layer]:
    """Each drone's trail and, on top, its latest position (``drone_states``)."""
    stack = []
    if len(trails):
        stack.append(
            pdk.Layer(
                "PathLayer",
                id="drone_trails",
                data=trails,
                get_path="path",
                get_color=[*DRONE_COLOUR, 200],
                width_min_pixels=2,
                pickable=True,
            )
        )
    if len(states):
        stack.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="drones",
                data=states[["drone_id", "lon", "lat", "battery_pct", *tooltip.FIELDS]],
                get_position=["lon", "lat"],
                get_fill_color=[*DRONE_COLOUR, 250],
                get_line_color=[40, 40, 40],
                stroked=True,
                get_radius=60,
                radius_min_pixels=6,
                radius_max_pixels=12,
                line_width_min_pixels=2,
                pickable=True,
            )
        )
    return stack


def sighting_layer(sightings: pd.DataFrame) -> pdk.Layer:
    """Drone sightings: red discs ringed in the drones' yellow."""
    return pdk.Layer(
        "ScatterplotLayer",
        id="sightings",
        data=sightings[["id", "lon", "lat", *tooltip.FIELDS]],
        get_position=["lon", "lat"],
        get_fill_color=[*_SIGHTING_COLOUR, 230],
        get_line_color=DRONE_COLOUR,
        stroked=True,
        get_radius=120,
        radius_min_pixels=5,
        radius_max_pixels=10,
        line_width_min_pixels=2,
        pickable=True,
    )


@register("missions", "Drone missions", before="detections")
def _missions(ctx: MapContext) -> list[pdk.Layer]:
    return route_layers(mission_routes(ctx.store, ctx.window))


@register("drones", "Drones (trail and position)", before="detections")
def _drones(ctx: MapContext) -> list[pdk.Layer]:
    since, until = ctx.window
    return drone_layers(
        drone_states(ctx.store, since, until), drone_trails(ctx.store, ctx.window, ctx.bbox)
    )


@register("sightings", "Drone sightings", before="detections")
def _sightings(ctx: MapContext) -> list[pdk.Layer]:
    found = drone_sightings(ctx.store, ctx.window, ctx.bbox)
    return [sighting_layer(found)] if len(found) else []
