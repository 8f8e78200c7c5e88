"""Random plans for property tests (hypothesis): any MAVLink command and frame, positions
anywhere on Earth as 1e-7 degree integers, params any double or NaN, surveys, fences and
rally points. ``plans(raw_int_max=...)`` narrows the whole-number x/y of non-global frames
for a reader that passes them through float32 (MAVSDK)."""

from __future__ import annotations

from hypothesis import strategies as st

from drone_ops.item_checks import known_commands
from drone_ops.link import mavlink
from drone_ops.plan import (
    GLOBAL_FRAMES,
    Camera,
    Fence,
    FenceCircle,
    FencePolygon,
    MissionItem,
    Plan,
    Point,
    Survey,
)
from surveillance.vocabulary import MISSION_KINDS

__all__ = ["plans"]

FRAMES = sorted(v for v, e in mavlink.enums["MAV_FRAME"].items() if not e.name.endswith("_END"))
COMMANDS = sorted(known_commands())
numbers = st.floats(allow_infinity=False, width=64)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
lats = st.floats(min_value=-90, max_value=90)
lons = st.floats(min_value=-180, max_value=180)
text = st.text(max_size=20)


@st.composite
def _items(draw: st.DrawFn, frames: list[int], raw_int_max: int) -> MissionItem:
    frame = draw(st.sampled_from(frames))
    raw = st.integers(min_value=-raw_int_max, max_value=raw_int_max)
    if frame in GLOBAL_FRAMES:
        x = draw(st.integers(min_value=-900_000_000, max_value=900_000_000))
        y = draw(st.integers(min_value=-1_800_000_000, max_value=1_800_000_000))
    else:
        x, y = draw(raw), draw(raw)
    params = tuple(draw(numbers) for _ in range(4))
    command = draw(st.sampled_from(COMMANDS))
    return MissionItem(command, frame, params, x, y, draw(numbers), draw(st.booleans()))  # type: ignore[arg-type]


positive = st.floats(min_value=0.1, max_value=1e4)


def plans(
    *, frames: list[int] | None = None, raw_int_max: int = 2**31 - 1
) -> st.SearchStrategy[Plan]:
    """Plans whose items use ``frames`` (every MAV_FRAME by default)."""
    item = _items(FRAMES if frames is None else frames, raw_int_max)
    surveys = st.builds(
        Survey,
        polygon=st.lists(st.tuples(lats, lons), min_size=3, max_size=6).map(tuple),
        camera=st.builds(
            Camera,
            name=text,
            sensor_width_mm=positive,
            sensor_height_mm=positive,
            image_width_px=st.integers(1, 20000),
            image_height_px=st.integers(1, 20000),
            focal_length_mm=positive,
            landscape=st.booleans(),
        ),
        altitude_m=positive,
        front_overlap_pct=st.floats(0, 99),
        side_overlap_pct=st.floats(0, 99),
        angle_deg=st.floats(0, 360),
        turnaround_m=st.floats(0, 100),
        items=st.lists(item, min_size=1, max_size=5).map(tuple),
    )
    fences = st.builds(
        Fence,
        polygons=st.lists(
            st.builds(
                FencePolygon,
                st.lists(st.tuples(lats, lons), min_size=3, max_size=5).map(tuple),
                st.booleans(),
                text,
            ),
            max_size=2,
        ).map(tuple),
        circles=st.lists(
            st.builds(FenceCircle, st.tuples(lats, lons), positive, st.booleans(), text), max_size=2
        ).map(tuple),
    )
    points = st.builds(Point, lats, lons, finite)
    return st.builds(
        Plan,
        name=text,
        kind=st.sampled_from(MISSION_KINDS),
        home=points,
        elements=st.lists(st.one_of(item, surveys), max_size=6).map(tuple),
        fence=fences,
        rally=st.lists(points, max_size=3).map(tuple),
        cruise_speed_mps=positive,
        hover_speed_mps=positive,
        vehicle=st.sampled_from(["multirotor", "fixed_wing", "vtol"]),
        firmware=st.sampled_from(["px4", "ardupilot", "generic"]),
        meta=st.dictionaries(st.sampled_from(["alert_id", "mmsi", "why"]), text, max_size=2),
    )
