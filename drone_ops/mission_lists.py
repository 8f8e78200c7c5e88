"""What a vehicle holds, as a :class:`~drone_ops.plan.Plan`, and its answers in words.

The mission protocol moves three flat lists of ``MISSION_ITEM_INT`` (mission type 0, fence 1,
rally 2); these pure functions turn the fence and rally lists back into the plan's polygons,
circles and points, and a ``MAV_MISSION_RESULT`` or ``MAV_RESULT`` code into the sentence
pymavlink's dialect gives it, so an error says what the vehicle meant.
"""

from __future__ import annotations

from collections.abc import Sequence

from drone_ops.link import mavlink
from drone_ops.plan import Cmd, Fence, FenceCircle, FencePolygon, MissionItem, Plan, Point
from surveillance.errors import VehicleError

__all__ = [
    "FENCE",
    "MISSION",
    "RALLY",
    "TYPE_NAMES",
    "ack_words",
    "command_words",
    "fence_from_items",
    "plan_from_lists",
    "rally_from_items",
]

#: ``MAV_MISSION_TYPE``: the three lists a vehicle keeps apart
MISSION, FENCE, RALLY = 0, 1, 2
TYPE_NAMES = {MISSION: "mission", FENCE: "fence", RALLY: "rally"}

_VERTICES = (Cmd.FENCE_POLYGON_VERTEX_INCLUSION, Cmd.FENCE_POLYGON_VERTEX_EXCLUSION)
_CIRCLES = (Cmd.FENCE_CIRCLE_INCLUSION, Cmd.FENCE_CIRCLE_EXCLUSION)


def _words(enum: str, value: int) -> str:
    entry = mavlink.enums[enum].get(value)
    if entry is None or entry.name.endswith("_ENUM_END"):
        return f"unknown {enum} {value}"
    text = (entry.description or entry.name).strip().rstrip(".")
    return text[0].lower() + text[1:]


def ack_words(result: int) -> str:
    """A ``MISSION_ACK`` type in words: 4 is "mission items exceed storage space"."""
    return _words("MAV_MISSION_RESULT", result)


def command_words(result: int) -> str:
    """A ``COMMAND_ACK`` result in words, up to the first sentence (MAV_RESULT's are long)."""
    return _words("MAV_RESULT", result).split(". ")[0].split("; ")[0]


def fence_from_items(items: Sequence[MissionItem]) -> Fence:
    """Polygons from runs of vertex items (param1 counts each polygon's vertices), circles
    from circle items (param1 the radius); anything else in a fence list is refused."""
    polygons: list[FencePolygon] = []
    circles: list[FenceCircle] = []
    seq = 0
    while seq < len(items):
        item = items[seq]
        if item.command in _CIRCLES:
            inclusion = item.command == Cmd.FENCE_CIRCLE_INCLUSION
            circles.append(FenceCircle((item.lat, item.lon), item.params[0], inclusion))
            seq += 1
        elif item.command in _VERTICES:
            count = int(item.params[0])
            run = items[seq : seq + count]
            if count < 3 or len(run) < count or any(i.command != item.command for i in run):
                raise VehicleError(
                    f"fence item {seq}: a polygon of {count} vertices is not followed by "
                    f"{count} vertex items"
                )
            inclusion = item.command == Cmd.FENCE_POLYGON_VERTEX_INCLUSION
            polygons.append(FencePolygon(tuple((i.lat, i.lon) for i in run), inclusion))
            seq += count
        else:
            raise VehicleError(f"fence item {seq}: command {item.command} is not a fence item")
    return Fence(tuple(polygons), tuple(circles))


def rally_from_items(items: Sequence[MissionItem]) -> tuple[Point, ...]:
    """Rally points, their altitude the item's z."""
    return tuple(Point(i.lat, i.lon, i.z) for i in items)


def plan_from_lists(
    mission: Sequence[MissionItem],
    fence: Sequence[MissionItem],
    rally: Sequence[MissionItem],
    *,
    home: Point | None,
    name: str,
    firmware: str = "px4",
) -> Plan:
    """The plan a vehicle holds (kind ``imported``). An ArduPilot mission's item 0 is its
    home: taken out of the items, and the home unless the vehicle said otherwise. Without
    either, the first item with a position stands for home at altitude 0."""
    items = list(mission)
    if firmware == "ardupilot" and items:
        first = items.pop(0)
        home = home or Point(first.lat, first.lon, first.z)
    if home is None:
        placed = next((i for i in items if i.has_position), None)
        home = Point(0.0, 0.0) if placed is None else Point(placed.lat, placed.lon)
    return Plan(
        name=name,
        kind="imported",
        home=home,
        elements=tuple(items),
        fence=fence_from_items(fence),
        rally=rally_from_items(rally),
        firmware=firmware,
    )
