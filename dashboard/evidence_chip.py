"""A SAR detection's evidence as a person sees it: the chip (served as the PNG it was
stored as, never re-encoded) and a line with its time, size, confidence and match."""

from __future__ import annotations

import streamlit as st

from dashboard.data.scenes import DetectionEvidence

__all__ = ["show_chip"]

_CHIP_PX = 256  # chips are ~64 px: the browser scales them up, the PNG stays as stored


def show_chip(found: DetectionEvidence) -> None:
    """The chip of ``found`` and its caption, where the caller draws."""
    if found.chip_png:
        st.image(
            found.chip_png,
            width=_CHIP_PX,
            caption=f"SAR chip of detection {found.id}",
            output_format="PNG",
        )
    else:
        st.caption("No chip was kept for this detection.")
    st.caption(f"{found.caption} · scene {found.scene_id} · at {found.lat:.4f}, {found.lon:.4f}")
