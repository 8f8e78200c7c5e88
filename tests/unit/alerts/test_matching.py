"""Matching detections to AIS on hand-made tracks: where each vessel was at the image time,
how far it may have strayed, and who takes which detection."""

from typing import Any

import numpy as np
import pandas as pd
import pytest

from alerts.matching import MatchSettings, match_scene, predict_positions
from surveillance.geodesy import DEG_M, haversine_m
from tests.builders.clock import T0_S

IMAGE_S = T0_S
SEA = (131.5, 33.5)
A, B, C = 431000001, 431000002, 431000003
CFG = MatchSettings()
EAST_M = DEG_M * np.cos(np.radians(SEA[1]))  # metres in one degree of longitude here


def east(metres: float) -> tuple[float, float]:
    """A point so many metres east of ``SEA``."""
    return SEA[0] + metres / EAST_M, SEA[1]


def heard(
    mmsi: int, seconds: float, where: tuple[float, float], sog: float = 0.0, cog: float = 90.0
) -> dict[str, Any]:
    """One AIS report ``seconds`` after the image."""
    return {
        "mmsi": mmsi,
        "t_s": IMAGE_S + seconds,
        "lon": where[0],
        "lat": where[1],
        "sog_knots": sog,
        "cog_deg": cog,
    }


def ais(*reports: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        list(reports), columns=["mmsi", "t_s", "lon", "lat", "sog_knots", "cog_deg"]
    )


def seen(*ships: tuple[tuple[float, float], float], **columns: Any) -> pd.DataFrame:
    """Detections at the points given with their SAR lengths, confident and offshore."""
    frame = pd.DataFrame(
        {
            "id": np.arange(1, len(ships) + 1),
            "lon": [s[0][0] for s in ships],
            "lat": [s[0][1] for s in ships],
            "length_m": [s[1] for s in ships],
            "confidence": 0.9,
            "coast_distance_m": 20_000.0,
        }
    )
    return frame.assign(**columns)


def lengths(by_mmsi: dict[int, float] | None = None) -> pd.Series:
    """AIS-reported lengths by MMSI."""
    return pd.Series(by_mmsi or {}, dtype=float)


def test_a_vessel_between_two_reports_is_placed_on_the_line_between_them() -> None:
    placed = predict_positions(
        ais(heard(A, -60, east(0), sog=9.7), heard(A, 60, east(600), sog=9.7)), IMAGE_S, CFG
    )
    assert not placed.loc[A, "predicted"]
    assert placed.loc[A, "offset_s"] == 60
    assert haversine_m(placed.loc[A, "lon"], placed.loc[A, "lat"], *east(300)) < 1
    out = match_scene(
        seen((east(320), 100.0)),
        ais(heard(A, -60, east(0)), heard(A, 60, east(600))),
        lengths(),
        IMAGE_S,
        CFG,
    )
    assert out["matched_mmsi"].tolist() == [A]
    assert out["match_distance_m"].iloc[0] == pytest.approx(20, abs=1)
    assert not out["dark"].iloc[0]


def test_dead_reckoning_moves_the_vessel_along_its_course_and_widens_its_gate() -> None:
    ten_knots_m_per_s = 10 * 1852 / 3600
    recent = predict_positions(ais(heard(A, -120, east(0), sog=10, cog=90)), IMAGE_S, CFG)
    older = predict_positions(ais(heard(A, -600, east(0), sog=10, cog=90)), IMAGE_S, CFG)
    assert older.loc[A, "predicted"]
    assert haversine_m(older.loc[A, "lon"], older.loc[A, "lat"], *east(600 * ten_knots_m_per_s)) < 5
    assert recent.loc[A, "gate_m"] < older.loc[A, "gate_m"]
    assert older.loc[A, "gate_m"] == pytest.approx(250 + 0.5 * 600 * ten_knots_m_per_s)
    # first heard after the image: reckoned back along its course
    back = predict_positions(ais(heard(A, 600, east(3000), sog=10, cog=90)), IMAGE_S, CFG)
    assert (
        haversine_m(back.loc[A, "lon"], back.loc[A, "lat"], *east(3000 - 600 * ten_knots_m_per_s))
        < 5
    )
    # heard 40 minutes before the image: too long ago to say where it is
    assert predict_positions(ais(heard(A, -2400, east(0), sog=10)), IMAGE_S, CFG).empty


def test_the_wider_gate_lets_a_long_unheard_vessel_match_further_off() -> None:
    detection = seen((east(600 * 10 * 1852 / 3600 + 1000), 100.0))
    fresh = ais(heard(A, -600, east(0), sog=10, cog=90))
    assert match_scene(detection, fresh, lengths(), IMAGE_S, CFG)["matched_mmsi"].tolist() == [A]
    stopped = ais(heard(A, -600, east(0), sog=0.0, cog=90))
    far = seen((east(1000), 100.0))
    assert match_scene(far, stopped, lengths(), IMAGE_S, CFG)["matched_mmsi"].isna().all()


def test_two_ships_near_two_detections_each_take_one() -> None:
    # the nearest vessel of both detections is A; only one-to-one matches both
    reports = ais(heard(A, 0, east(0)), heard(B, 0, east(300)))
    out = match_scene(
        seen((east(100), 100.0), (east(-100), 100.0)), reports, lengths(), IMAGE_S, CFG
    )
    assert out["matched_mmsi"].tolist() == [B, A]
    assert not out["dark"].any()
    assert [v["mmsi"] for v in out["near_vessels"].iloc[0]] == [A, B]
    assert [v["matched"] for v in out["near_vessels"].iloc[0]] == [False, True]


def test_a_length_far_from_the_reported_one_forbids_the_match_not_the_doubt() -> None:
    reports = ais(heard(A, 0, east(50)))
    small = match_scene(seen((east(0), 20.0)), reports, lengths({A: 200.0}), IMAGE_S, CFG)
    assert small["matched_mmsi"].isna().all()
    assert small["dark"].tolist() == [False]  # the vessel could still be it: SAR lengths err
    (nearest,) = small["near_vessels"].iloc[0]
    assert (nearest["mmsi"], nearest["ais_length_m"], nearest["sar_length_m"]) == (A, 200.0, 20.0)
    assert nearest["length_ratio"] == 0.1 and nearest["could_be"]
    alike = match_scene(seen((east(0), 180.0)), reports, lengths({A: 200.0}), IMAGE_S, CFG)
    assert alike["matched_mmsi"].tolist() == [A]
    assert alike["near_vessels"].iloc[0][0]["length_ratio"] == 0.9


def test_a_closer_length_wins_between_two_vessels_at_the_same_distance() -> None:
    reports = ais(heard(A, 0, east(100)), heard(B, 0, east(-100)))
    out = match_scene(seen((east(0), 60.0)), reports, lengths({A: 200.0, B: 60.0}), IMAGE_S, CFG)
    assert out["matched_mmsi"].tolist() == [B]


def test_only_a_confident_offshore_unmatched_detection_is_dark() -> None:
    ships = seen((east(0), 50.0), (east(5000), 50.0), (east(10_000), 50.0))
    ships["confidence"] = [0.9, 0.2, 0.9]
    ships["coast_distance_m"] = [20_000.0, 20_000.0, 300.0]
    out = match_scene(ships, ais(), lengths(), IMAGE_S, CFG)
    assert out["dark"].tolist() == [True, False, False]
    assert out["near_vessels"].tolist() == [[], [], []]
    assert out["matched_mmsi"].isna().all()


def test_near_vessels_are_the_three_nearest_at_the_image_time() -> None:
    reports = ais(
        heard(A, -30, east(4000)),
        heard(B, 20, east(2000)),
        heard(C, 0, east(3000)),
        heard(C + 1, 0, east(9000)),
    )
    out = match_scene(seen((east(0), 100.0)), reports, lengths(), IMAGE_S, CFG)
    near = out["near_vessels"].iloc[0]
    assert [v["mmsi"] for v in near] == [B, C, A]
    assert [round(v["distance_m"], -1) for v in near] == [2000, 3000, 4000]
    assert [v["offset_s"] for v in near] == [20, 0, 30]
    assert out["dark"].tolist() == [True]


def test_a_second_ship_beside_a_matched_vessel_is_dark() -> None:
    reports = ais(heard(A, 0, east(0)))
    out = match_scene(seen((east(20), 180.0), (east(200), 60.0)), reports, lengths(), IMAGE_S, CFG)
    assert out["matched_mmsi"].tolist()[0] == A and pd.isna(out["matched_mmsi"].iloc[1])
    assert out["dark"].tolist() == [False, True]
    (beside,) = out["near_vessels"].iloc[1]
    assert (beside["mmsi"], beside["matched"], beside["could_be"]) == (A, False, False)
