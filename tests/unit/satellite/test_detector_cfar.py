"""The plain two-parameter CFAR behind ``detect_ships(..., learned=False)``, on synthetic SAR."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from satellite.cfar import DETECTION_COLUMNS
from satellite.detector import detect_ships
from surveillance.errors import InputError

SPACING_M = 10.0


def clutter(shape: tuple[int, int], seed: int = 1, looks: float = 4.0) -> npt.NDArray[np.float32]:
    """Gamma-distributed intensity with ``looks`` looks, as amplitude (its square root)."""
    rng = np.random.default_rng(seed)
    return np.sqrt(rng.gamma(looks, 1.0 / looks, size=shape)).astype(np.float32)


def add_ship(
    image: npt.NDArray[np.float32],
    row: float,
    col: float,
    length_m: float,
    heading_deg: float,
    width_m: float = 20.0,
    brightness: float = 12.0,
    spacing_m: float = SPACING_M,
) -> None:
    """A bright bar centred at (row, col) whose long axis is ``heading_deg`` clockwise from up."""
    rows, cols = np.mgrid[0 : image.shape[0], 0 : image.shape[1]].astype(np.float64) + 0.5
    a = np.radians(heading_deg)
    along = (cols - col) * np.sin(a) - (rows - row) * np.cos(a)
    across = (cols - col) * np.cos(a) + (rows - row) * np.sin(a)
    inside = (np.abs(along) <= length_m / spacing_m / 2) & (
        np.abs(across) <= width_m / spacing_m / 2
    )
    image[inside] = brightness


@pytest.mark.parametrize("heading_deg", [0.0, 35.0, 90.0, 150.0])
def test_an_elongated_target_in_gamma_clutter_is_found_with_its_length_and_heading(
    heading_deg: float,
) -> None:
    image = clutter((300, 300))
    add_ship(image, 140.0, 160.0, length_m=200.0, heading_deg=heading_deg)
    found = detect_ships(image, SPACING_M, learned=False)
    near = found[np.hypot(found["row"] - 140.0, found["col"] - 160.0) < 3.0]
    assert len(near) == 1
    ship = near.iloc[0]
    assert ship["length_m"] == pytest.approx(200.0, rel=0.2)
    assert ship["width_m"] < 60.0
    turn = abs(ship["heading_deg"] - heading_deg) % 180.0
    assert min(turn, 180.0 - turn) < 5.0
    assert ship["r0"] <= 140.0 < ship["r1"] and ship["c0"] <= 160.0 < ship["c1"]
    assert 0.0 < ship["confidence"] <= 1.0


def test_the_frame_has_the_contract_columns_and_few_false_alarms_in_pure_clutter() -> None:
    found = detect_ships(clutter((400, 400), seed=2), SPACING_M, learned=False)
    assert list(found.columns) == list(DETECTION_COLUMNS)
    assert {str(t) for t in found.dtypes} <= {"float64", "int64"}
    assert len(found) <= 3


def test_the_scale_of_the_amplitude_changes_nothing() -> None:
    image = clutter((200, 200), seed=3)
    add_ship(image, 100.0, 100.0, length_m=120.0, heading_deg=60.0)
    plain = detect_ships(image, SPACING_M, learned=False)
    scaled = detect_ships(image * 1000.0, SPACING_M, learned=False)
    assert len(plain) == len(scaled) >= 1
    assert np.allclose(plain["row"], scaled["row"]) and np.allclose(plain["col"], scaled["col"])


def test_land_never_detects_and_bright_land_does_not_hide_a_ship_beside_it() -> None:
    image = clutter((300, 300), seed=4)
    image[:, :120] = 30.0 * clutter((300, 120), seed=5)  # a bright coast
    add_ship(image, 150.0, 170.0, length_m=150.0, heading_deg=20.0)
    sea = np.ones(image.shape, dtype=bool)
    sea[:, :120] = False
    found = detect_ships(image, SPACING_M, sea, learned=False)
    assert (found["c0"] >= 120).all()
    assert (np.hypot(found["row"] - 150.0, found["col"] - 170.0) < 3.0).sum() == 1


def test_no_data_is_neither_clutter_nor_a_detection() -> None:
    image = clutter((300, 300), seed=6)
    add_ship(image, 150.0, 200.0, length_m=150.0, heading_deg=100.0)
    image[:, :100] = np.nan
    found = detect_ships(image, SPACING_M, learned=False)
    assert (found["c0"] >= 100).all()
    assert (np.hypot(found["row"] - 150.0, found["col"] - 200.0) < 3.0).sum() == 1


@pytest.mark.parametrize("spacing_m", [1.0, 3.0, 20.0])
def test_windows_scale_with_the_spacing(spacing_m: float) -> None:
    image = clutter((400, 400), seed=7)
    rows, cols = np.mgrid[0:400, 0:400] + 0.5
    # a 150 m x 30 m ship at any spacing (at least a 3 x 1 pixel bar)
    half_len = max(1.5, 75.0 / spacing_m)
    half_wid = max(0.5, 15.0 / spacing_m)
    image[(np.abs(rows - 200.0) <= half_wid) & (np.abs(cols - 200.0) <= half_len)] = 15.0
    found = detect_ships(image, spacing_m, learned=False)
    near = found[np.hypot(found["row"] - 200.0, found["col"] - 200.0) < 3.0]
    assert len(near) == 1
    assert near.iloc[0]["length_m"] == pytest.approx(max(150.0, 3 * spacing_m), rel=0.25)


def test_an_all_land_array_gives_an_empty_frame() -> None:
    image = clutter((100, 100))
    found = detect_ships(image, SPACING_M, np.zeros(image.shape, dtype=bool), learned=False)
    assert found.empty and list(found.columns) == list(DETECTION_COLUMNS)


@pytest.mark.parametrize(
    "amplitude",
    [np.ones(10, dtype=np.float32), np.ones((3, 4, 4)), np.full((20, 20), np.nan)],
    ids=["1-D", "3-D", "all NaN"],
)
def test_bad_input_is_an_input_error(amplitude: npt.NDArray[np.float64]) -> None:
    with pytest.raises(InputError):
        detect_ships(amplitude, SPACING_M)


@pytest.mark.parametrize("spacing_m", [0.0, -5.0, float("nan")])
def test_a_bad_spacing_is_an_input_error(spacing_m: float) -> None:
    with pytest.raises(InputError, match="spacing"):
        detect_ships(clutter((50, 50)), spacing_m)
