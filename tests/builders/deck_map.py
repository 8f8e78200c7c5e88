"""Pointing at a deck.gl map in the browser as a person does: where a place is drawn, and
its tooltip on hover."""

from __future__ import annotations

import math
import time
from typing import Any

from tests.builders.dashboard_server import READY_S

__all__ = ["hover", "pixel_offset"]


def pixel_offset(
    lon_lat: tuple[float, float], centre: tuple[float, float], zoom: float
) -> tuple[float, float]:
    """Where ``lon_lat`` is drawn relative to the map's centre, in CSS pixels (deck.gl's web
    mercator: the world is 512 * 2**zoom pixels wide)."""
    world_px = 512 * 2**zoom

    def x(lon: float) -> float:
        return (lon + 180) / 360 * world_px

    def y(lat: float) -> float:
        return (
            (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * world_px
        )

    return x(lon_lat[0]) - x(centre[0]), y(lon_lat[1]) - y(centre[1])


def hover(page: Any, offset: tuple[float, float], expected: str) -> str:
    """Point at ``offset`` from the map's centre until its tooltip shows ``expected``
    (deck.gl draws, then picks, only once the data arrived); the tooltip's text."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for()
    tip = page.locator(".deck-tooltip")
    deadline = time.monotonic() + READY_S
    while True:
        box = canvas.bounding_box()
        x = box["x"] + box["width"] / 2 + offset[0]
        y = box["y"] + box["height"] / 2 + offset[1]
        page.mouse.move(x, y - 40)  # off it, so that coming back is a new hover
        page.mouse.move(x, y, steps=4)
        page.wait_for_timeout(200)  # a frame or two for the pick
        if tip.is_visible() and expected in tip.inner_text():
            return str(tip.inner_text())
        assert time.monotonic() < deadline, f"no tooltip with {expected!r} at {offset}"
