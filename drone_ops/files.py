"""Plans to and from files, the format chosen by the suffix.

Read and written: ``.plan`` (QGroundControl's JSON, :mod:`drone_ops.qgc_plan`) and
``.waypoints`` or ``.txt`` (``QGC WPL 110``, :mod:`drone_ops.waypoints`). Written only
(the briefing, for maps and Google Earth): ``.geojson`` and ``.kml``. :func:`loads` takes the
bytes the dashboard receives as well as text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from drone_ops import qgc_plan, waypoints
from drone_ops.plan import Plan
from surveillance.errors import InputError
from surveillance.uploads import LIMIT_BYTES, check_size, read_file

__all__ = [
    "MAX_FILE_BYTES",
    "READ_SUFFIXES",
    "SUFFIXES",
    "dumps",
    "loads",
    "read_plan",
    "write_plan",
]

_F = TypeVar("_F")

#: the largest plan file read, whatever its format
MAX_FILE_BYTES = LIMIT_BYTES["plan"]

_WRITERS: dict[str, Callable[[Plan], str]] = {
    ".plan": qgc_plan.dumps,
    ".waypoints": waypoints.dumps,
    ".txt": waypoints.dumps,
    ".geojson": lambda plan: _briefing().geojson_dumps(plan),
    ".kml": lambda plan: _briefing().kml_dumps(plan),
}
_READERS: dict[str, Callable[[str, str], Plan]] = {
    ".plan": qgc_plan.loads,
    ".waypoints": waypoints.loads,
    ".txt": waypoints.loads,  # Mission Planner's other name for a QGC WPL 110 file
}
SUFFIXES = tuple(_WRITERS)
READ_SUFFIXES = tuple(_READERS)


def dumps(plan: Plan, suffix: str) -> str:
    """The plan as the text of a file ending in ``suffix`` (``.plan``, ``plan``...)."""
    return _format(_WRITERS, suffix, "written", repr(suffix))(plan)


def loads(text: str | bytes, suffix: str, source: str) -> Plan:
    """The plan in a file's text (or bytes, UTF-8) of the format ``suffix`` names; ``source``
    names the file in refusals."""
    reader = _format(_READERS, suffix, "read", source)
    if isinstance(text, bytes):
        check_size(len(text), "plan", source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(f"{source}: not UTF-8 text (byte {error.start})") from None
    return reader(text.removeprefix("\ufeff"), source)


def read_plan(path: Path) -> Plan:
    """The plan in the file at ``path``, the format by its suffix."""
    _format(_READERS, path.suffix, "read", str(path))
    data = read_file(path, "plan")
    return loads(data, path.suffix, str(path))


def write_plan(plan: Plan, path: Path) -> None:
    """Write ``plan`` to ``path`` in the format its suffix names."""
    text = _format(_WRITERS, path.suffix, "written", str(path))(plan)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror}") from error


def _briefing() -> ModuleType:
    """The briefing writers, loaded when one writes (they bring shapely and the report's
    GeoJSON helpers)."""
    from drone_ops import briefing

    return briefing


def _format(table: dict[str, _F], suffix: str, verb: str, place: str) -> _F:
    """The reader or writer of ``suffix``, or an InputError saying which formats there are."""
    key = "." + suffix.lower().lstrip(".")
    found = table.get(key)
    if found is None:
        raise InputError(f"{place}: cannot tell the format", hint=f"{verb}: {', '.join(table)}")
    return found
