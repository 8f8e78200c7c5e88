"""The dashboard's data builders on tiny arrays: latest positions, downsampling, replays,
ship categories, the map's view and tiles, and the one tooltip template."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from dashboard import tooltip
from dashboard.data.common import ship_category
from dashboard.data.positions import downsample, latest_positions, paths, replay_tracks
from dashboard.layers import offline_deck, tile_layers, view_for_bbox
from surveillance.store.position_read import PositionArrays


def arrays(*rows: tuple[int, float, float, float]) -> PositionArrays:
    """Reports as (mmsi, t_s, lon, lat), already sorted by vessel and time."""
    mmsi, t_s, lon, lat = (np.array(column) for column in zip(*rows, strict=True))
    return PositionArrays(
        mmsi.astype(np.int64),
        t_s.astype(float),
        lon.astype(float),
        lat.astype(float),
        np.full(len(rows), 5.0, np.float32),
    )


def test_latest_positions_are_each_vessels_last_report() -> None:
    latest = latest_positions(
        arrays((1, 0, 130.0, 34.0), (1, 60, 130.1, 34.0), (2, 30, 131.0, 35.0))
    )
    assert latest[["mmsi", "t_s", "lon"]].values.tolist() == [[1, 60, 130.1], [2, 30, 131.0]]


def test_latest_positions_of_nothing_is_empty() -> None:
    nothing = PositionArrays(*(np.zeros(0) for _ in range(5)))
    assert latest_positions(nothing).empty and downsample(nothing, 300).size == 0


def test_downsampling_keeps_the_first_report_per_bin_and_the_last_of_each_vessel() -> None:
    reports = arrays(
        (1, 0, 130.0, 34.0),
        (1, 100, 130.1, 34.0),
        (1, 299, 130.2, 34.0),  # bin 0
        (1, 300, 130.3, 34.0),
        (1, 410, 130.4, 34.0),  # bin 1
        (2, 50, 131.0, 35.0),
    )
    assert downsample(reports, 300).tolist() == [0, 3, 4, 5]


def test_a_replay_is_the_full_track_in_seconds_after_the_origin() -> None:
    reports = arrays((1, 1000, 130.0, 34.0), (1, 1060, 130.1, 34.0), (2, 1000, 131.0, 35.0))
    trips = replay_tracks(reports, [1, 99], origin_s=1000)
    assert trips["mmsi"].tolist() == [1]  # a vessel without reports is left out
    assert trips["path"][0] == [[130.0, 34.0], [130.1, 34.0]]
    assert trips["timestamps"][0] == [0.0, 60.0]


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (70, "cargo"),
        (84, "tanker"),
        (60, "passenger"),
        (30, "fishing"),
        (52, "tug / service"),
        (55, "law enforcement / military"),
        (37, "pleasure / sailing"),
        (None, "unknown"),
        (0, "unknown"),
        (255, "unknown"),
        (99, "other"),
    ],
)
def test_ship_types_fall_into_display_groups(code: int | None, category: str) -> None:
    assert ship_category([code]).tolist() == [category]


def test_the_view_fits_the_box() -> None:
    view = view_for_bbox((122.0, 24.0, 150.0, 46.0), width_px=900, height_px=520)
    assert (view.longitude, view.latitude) == (136.0, 35.0)
    assert 3.5 < view.zoom < 5


def test_tiles_cover_the_box_at_one_zoom_with_at_most_64_images() -> None:
    box = (122.0, 24.0, 150.0, 46.0)
    tiles = tile_layers("https://tiles.example/{z}/{x}/{y}.png", box)
    deck = json.loads(offline_deck(tiles, view_for_bbox(box)).to_json())
    images = [layer["image"] for layer in deck["layers"]]
    assert 1 < len(images) <= 64
    assert "https://tiles.example/6/53/22.png" in images  # z 6 covers the box in 36 tiles
    west = min(layer["bounds"][0] for layer in deck["layers"])
    north = max(layer["bounds"][3] for layer in deck["layers"])
    assert west <= box[0] and north >= box[3]


def test_the_deck_names_no_basemap_and_is_compact_json() -> None:
    deck = json.loads(offline_deck([], view_for_bbox((129, 33, 131, 35))).to_json())
    assert "mapStyle" not in deck or deck["mapStyle"] == "__MAP_STYLE__"
    assert "mapProvider" not in deck
    assert "\n" not in offline_deck([], view_for_bbox((129, 33, 131, 35))).to_json()


def test_vessels_with_one_point_between_others_are_left_out_of_the_paths() -> None:
    mmsi = np.array([1, 1, 2, 3, 3])
    found = paths(mmsi, np.array([0.0, 1, 5, 2, 3]), np.array([0.0, 0, 5, 1, 1]), 0.0)
    assert found["mmsi"].tolist() == [1, 3]
    assert found["path"].tolist() == [[[0.0, 0.0], [1.0, 0.0]], [[2.0, 1.0], [3.0, 1.0]]]


def test_the_tooltip_template_holds_the_markup_and_fills_in_every_field() -> None:
    html = tooltip.TOOLTIP["html"]
    assert tuple(re.findall(r"{(\w+)}", html)) == tooltip.FIELDS
    assert "<div" in html  # the markup is the template's, not the data's


def test_tooltip_fields_are_the_text_as_given_and_empty_where_unused() -> None:
    hostile = "<img src=x onerror=alert(1)>"  # escaped by the renderer, never here
    assert tooltip.fields(hostile, "MMSI 431000001") == {
        "title": hostile,
        "line1": "MMSI 431000001",
        "line2": "",
        "line3": "",
        "warning": "",
    }
