"""Plans to and from files, the format chosen by the suffix.

``.plan`` is QGroundControl's JSON (:mod:`drone_ops.qgc_plan`); more formats join the table
below (``.waypoints``: QGC WPL 110; ``.geojson`` and ``.kml`` for the briefing).
"""

from __future__ import annotations

from pathlib import Path

from drone_ops import qgc_plan
from drone_ops.plan import Plan
from surveillance.errors import InputError

__all__ = ["SUFFIXES", "write_plan"]

_WRITERS = {".plan": qgc_plan.dumps}
SUFFIXES = tuple(_WRITERS)


def write_plan(plan: Plan, path: Path) -> None:
    """Write ``plan`` to ``path`` in the format its suffix names."""
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise InputError(f"{path}: cannot tell the format", hint=f"end it in {', '.join(SUFFIXES)}")
    try:
        path.write_text(writer(plan), encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from error
