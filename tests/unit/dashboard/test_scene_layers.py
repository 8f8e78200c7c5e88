"""The satellite layers on tiny frames: where they sit in the map's stack, the quicklook
sent as a literal data URL (not an accessor expression), detections coloured by kind."""

from __future__ import annotations

import json

import pandas as pd

from dashboard import layers, scene_layers, tooltip
from dashboard.layers import offline_deck, view_for_bbox

DATA_URL = "data:image/png;base64,iVBORw0KGgo="


def _detections(*kinds: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": list(range(1, len(kinds) + 1)),
            "scene_id": pd.array([7] * len(kinds), dtype="Int64"),
            "lon": [135.0] * len(kinds),
            "lat": [30.5] * len(kinds),
            "kind": list(kinds),
            **tooltip.fields(pd.Series(list(kinds), dtype=str)),
        }
    )


def test_scene_images_sit_under_the_outlines_and_detections_on_top() -> None:
    order = list(layers.LAYERS)
    assert order.index("quicklooks") < order.index("scenes") < order.index("zones")
    assert order[-1] == "detections"
    assert order.index("vessels") < order.index("detections")


def test_a_layer_registered_before_another_is_drawn_under_it() -> None:
    saved = dict(layers.LAYERS)
    try:
        layers.register("under_ports", "Under the ports", before="ports")(lambda ctx: [])
        order = list(layers.LAYERS)
        assert order.index("under_ports") == order.index("ports") - 1
        assert order.index("zones") < order.index("under_ports")
    finally:
        layers.LAYERS.clear()
        layers.LAYERS.update(saved)


def test_a_quicklook_travels_as_the_data_url_itself() -> None:
    images = pd.DataFrame({"id": [3], "image": [DATA_URL], "bounds": [[134.8, 30.3, 135.2, 30.7]]})
    deck = json.loads(
        offline_deck(
            scene_layers.quicklook_layers(images), view_for_bbox((134, 30, 136, 31))
        ).to_json()
    )
    (layer,) = deck["layers"]
    assert layer["id"] == "quicklook-3" and layer["@@type"] == "BitmapLayer"
    assert layer["image"] == DATA_URL  # no "@@=": deck.gl takes it as a string, not code
    assert layer["bounds"] == [134.8, 30.3, 135.2, 30.7]


def test_detections_are_coloured_by_kind_and_name_their_scene() -> None:
    layer = scene_layers.detection_layer(_detections("matched", "dark", "unmatched"))
    rows = layer.data if isinstance(layer.data, list) else layer.data.to_dict("records")
    assert [r["colour"][:3] for r in rows] == [
        scene_layers.DETECTION_COLOURS[k] for k in ("matched", "dark", "unmatched")
    ]
    assert [r["scene_id"] for r in rows] == [7, 7, 7]
    assert all(type(r["scene_id"]) is int for r in rows)  # JSON, not a pandas scalar
