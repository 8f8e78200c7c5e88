"""The web leads' layer of the map (the ``intel`` role's: leads are theirs): each lead that
names a place or a position, at that point, its tooltip plain text. Imported by the map
page, which registers it (as :mod:`dashboard.mission_layers`)."""

from __future__ import annotations

import pydeck as pdk

import dashboard.scene_layers  # noqa: F401 (registers "detections", kept over the leads)
from dashboard.data.leads import map_leads
from dashboard.layers import MapContext, register

__all__ = ["LEAD_COLOUR", "lead_layer"]

LEAD_COLOUR = [148, 0, 211]


def lead_layer(ctx: MapContext) -> list[pdk.Layer]:
    """The leads of the window in the box, a violet disc each."""
    found = map_leads(ctx.store, ctx.window, ctx.bbox)
    if found.empty:
        return []
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id="leads",
            data=found,
            get_position=["lon", "lat"],
            get_fill_color=[*LEAD_COLOUR, 90],
            get_line_color=LEAD_COLOUR,
            stroked=True,
            get_radius=3000,
            radius_min_pixels=7,
            radius_max_pixels=30,
            line_width_min_pixels=2,
            pickable=True,
        )
    ]


register("leads", "Web leads", before="detections", ability="leads")(lead_layer)
