"""The ``QGC WPL 110`` text file (``.waypoints``, or ``.txt``) of Mission Planner and
QGroundControl, both ways.

After the ``QGC WPL 110`` line, one item a line, tab-separated: index, current, frame,
command, param1..4, x (latitude), y (longitude), z (altitude), autocontinue. Line 0 is home,
as Mission Planner writes it (``current`` 1, frame 0: its altitude above mean sea level) and
as ArduPilot keeps it at seq 0: it is read as :attr:`Plan.home`, not as a mission item,
whatever command it holds; the mission is the lines after it. The format holds no geofence,
rally points, speeds or name: a plan read from it is of kind ``imported``, named after its
file, and writing one keeps its mission and home only.

Latitudes and longitudes are written with seven decimals, the exact decimal of the 1e-7
degree integers, and the other numbers as Python's shortest exact text (NaN as ``nan``), so
reading a file back gives the same integers and the same params.
"""

from __future__ import annotations

import math
from pathlib import PurePath

from drone_ops.item_checks import checked_item, checked_place
from drone_ops.plan import GLOBAL_FRAMES, Cmd, Frame, MissionItem, Plan, Point, from_e7
from surveillance.errors import InputError

__all__ = ["HEADER", "MAX_WAYPOINTS_BYTES", "dumps", "loads"]

HEADER = "QGC WPL 110"
#: the largest file read: 200 000 items at some 80 characters a line
MAX_WAYPOINTS_BYTES = 16 * 1024 * 1024
_FIELDS = 12


def dumps(plan: Plan) -> str:
    """The plan's mission (surveys expanded) as a ``QGC WPL 110`` file, home as line 0."""
    home = plan.home
    lines = [
        HEADER,
        _line(0, 1, Frame.GLOBAL, Cmd.NAV_WAYPOINT, (0.0,) * 4, home.lat, home.lon, home.alt_m, 1),
    ]
    for n, item in enumerate(plan.mission_items(), 1):
        x: float | str
        y: float | str
        if item.has_position:
            x, y = f"{from_e7(item.x):.7f}", f"{from_e7(item.y):.7f}"
        else:
            x, y = str(item.x), str(item.y)
        ac = int(item.autocontinue)
        lines.append(_line(n, 0, item.frame, item.command, item.params, x, y, item.z, ac))
    return "\n".join(lines) + "\n"


def loads(text: str, source: str) -> Plan:
    """The plan in a ``QGC WPL 110`` file's text; ``source`` names it in refusals (by line)."""
    if len(text) > MAX_WAYPOINTS_BYTES:
        raise InputError(
            f"{source}: {len(text) / 2**20:.0f} MB is more than a waypoints file is read "
            f"({MAX_WAYPOINTS_BYTES // 2**20} MB)"
        )
    lines = text.splitlines()
    header = lines[0].strip() if lines else ""
    if header != HEADER:
        raise InputError(f"{source}: line 1: {header[:40]!r} where {HEADER!r} is due")
    rows = [(n, line) for n, line in enumerate(lines[1:], 2) if line.strip()]
    if not rows:
        raise InputError(f"{source}: no home line (line 2) after {HEADER!r}")
    (home_n, home_line), *rest = rows
    where = f"{source}: line {home_n} (home)"
    if _item(home_line, where).frame not in GLOBAL_FRAMES:
        raise InputError(f"{where}: not in a global frame, so not a place")
    lat, lon, alt_m = (_number(f, where, k) for k, f in enumerate(_fields(home_line)[8:11], 9))
    return Plan(
        name=PurePath(source).stem,
        kind="imported",
        home=Point(*checked_place(lat, lon, where), 0.0 if math.isnan(alt_m) else alt_m),
        elements=tuple(_item(line, f"{source}: line {n}") for n, line in rest),
    )


def _fields(line: str) -> list[str]:
    """A line's fields: tab-separated as written, or by spaces as some tools write them."""
    return line.split("\t") if "\t" in line else line.split()


def _item(line: str, place: str) -> MissionItem:
    fields = _fields(line)
    if len(fields) != _FIELDS:
        raise InputError(f"{place}: {len(fields)} fields where {HEADER} has {_FIELDS}")
    for name, text in (("index", fields[0]), ("current", fields[1]), ("autocontinue", fields[11])):
        if not text.strip().isdigit():
            raise InputError(f"{place}: {name} {text.strip()[:20]!r} is not a whole number")
    numbers = [_number(text, place, k) for k, text in enumerate(fields[2:11], 3)]
    frame, command, *params = numbers
    return checked_item(command, frame, tuple(params), fields[11].strip() != "0", place)  # type: ignore[arg-type]


def _number(text: str, place: str, field: int) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{place}: field {field} {text.strip()[:20]!r} is not a number") from None


def _line(
    index: int,
    current: int,
    frame: int,
    command: int,
    params: tuple[float, ...],
    x: float | str,
    y: float | str,
    z: float,
    autocontinue: int,
) -> str:
    numbers = [_text(p) for p in params] + [x if isinstance(x, str) else _text(x)]
    numbers += [y if isinstance(y, str) else _text(y), _text(z)]
    return "\t".join(
        [str(index), str(current), str(int(frame)), str(int(command)), *numbers, str(autocontinue)]
    )


def _text(value: float) -> str:
    """The shortest text that reads back as the same double (whole numbers without ``.0``)."""
    if math.isnan(value):
        return "nan"
    negative_zero = value == 0 and math.copysign(1.0, value) < 0
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15 and not negative_zero:
        return str(int(value))
    return repr(value)
