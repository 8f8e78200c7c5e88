"""Drone sightings on a real store through the real CLI: matched to AIS at once, used by the
dark rules like a SAR detection, attached to the alert they answer, photos checked.

The open sea at ``T0`` + 1 h: a tanker drifting with AIS; a sighting 20 km off with no AIS
vessel anywhere (dark: a dark_vessel alert), one 350 m beside the tanker (a dark
rendezvous), one on the tanker with its MMSI read off the hull (identified: no alert).
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, drifting, load_positions
from tests.builders.users import add_user

TANKER = 431000002
SEEN = T0 + timedelta(hours=1)
EAST_M = 111_195.0 * np.cos(np.radians(OPEN_SEA[1]))
WINDOW = ("--since", "2026-11-26T22:00Z", "--until", "2026-11-27T01:00Z")
ALONE = (OPEN_SEA[0] + 20_000 / EAST_M, OPEN_SEA[1] + 0.05)
BESIDE = (OPEN_SEA[0] + 350 / EAST_M, OPEN_SEA[1])


def at(where: tuple[float, float]) -> tuple[str, str, str, str]:
    """``--at LAT,LON --time`` of a sighting at ``where`` (lon, lat) at ``SEEN``."""
    return ("--at", f"{where[1]:.7f},{where[0]:.7f}", "--time", "2026-11-26T23:00:00Z")


@pytest.fixture
def pilot(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """A drone operator at the CLI."""
    return as_user(coastwatch, add_user(store, "pilot", "drone_operator").username)


def tanker_drifting(store: Store) -> None:
    load_positions(store, drifting(TANKER, T0, 3, every_s=30))


def photo(tmp_path: Path, name: str, fmt: str) -> Path:
    image = Image.new("RGB", (640, 480), (20, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_a_sighting_with_no_ais_vessel_near_is_dark_and_raises_a_dark_vessel(
    store: Store, coastwatch: Coastwatch, pilot: Coastwatch
) -> None:
    tanker_drifting(store)
    ran = pilot("mission", "sighting", *at(ALONE), "--length", "60")
    assert ran.code == 0, ran.stderr
    assert "dark: no AIS vessel could have been there" in ran.stdout
    (seen,) = store.sightings().to_dict("records")
    assert seen["reported_by"] == "pilot" and seen["dark"] and not seen["identified"]

    assert coastwatch("detect", *WINDOW).code == 0
    (alert,) = store.alerts(types=["dark_vessel"]).to_dict("records")
    assert alert["evidence"]["detection_id"] == seen["id"]
    assert alert["evidence"]["source"] == "drone"
    assert "seen by a drone" in alert["score_reasons"][0]["reason"]
    assert store.alerts(types=["dark_rendezvous"]).empty


def test_a_sighting_beside_a_drifting_vessel_is_a_dark_rendezvous(
    store: Store, coastwatch: Coastwatch, pilot: Coastwatch
) -> None:
    tanker_drifting(store)
    ran = pilot("mission", "sighting", *at(BESIDE), "--length", "40")
    assert ran.code == 0, ran.stderr
    assert coastwatch("detect", *WINDOW).code == 0
    (meeting,) = store.alerts(types=["dark_rendezvous"]).to_dict("records")
    assert list(meeting["mmsi"]) == [TANKER]
    assert meeting["evidence"]["source"] == "drone"
    assert abs(meeting["evidence"]["distance_m"] - 350) < 60


def test_a_sighting_with_the_vessels_mmsi_is_that_vessel_and_raises_nothing(
    store: Store, coastwatch: Coastwatch, pilot: Coastwatch
) -> None:
    tanker_drifting(store)
    ran = pilot("mission", "sighting", *at(OPEN_SEA), "--mmsi", str(TANKER))
    assert ran.code == 0, ran.stderr
    assert f"identified by the operator as MMSI {TANKER}" in ran.stdout
    assert coastwatch("detect", *WINDOW).code == 0  # matches the window again
    (seen,) = store.sightings().to_dict("records")
    assert seen["matched_mmsi"] == TANKER and seen["identified"] and not seen["dark"]
    assert seen["match_distance_m"] < 200
    assert store.alerts(types=["dark_vessel"]).empty
    assert store.alerts(types=["dark_rendezvous"]).empty


def test_a_sighting_answering_an_alert_is_its_evidence(
    store: Store, coastwatch: Coastwatch, pilot: Coastwatch, tmp_path: Path
) -> None:
    tanker_drifting(store)
    assert pilot("mission", "sighting", *at(ALONE)).code == 0
    assert coastwatch("detect", *WINDOW).code == 0
    alert_id = str(store.alerts(types=["dark_vessel"])["id"].iloc[0])
    picture = photo(tmp_path, "hull.jpg", "JPEG")
    later = ("--at", f"{ALONE[1]:.5f},{ALONE[0]:.5f}", "--time", "2026-11-26T23:20:00Z")
    answer = (*later, "--alert", alert_id[:10], "--photo", str(picture))
    ran = pilot("mission", "sighting", *answer, "--note", "<b>no name</b>")
    assert ran.code == 0, ran.stderr
    assert f"attached to alert {alert_id}" in ran.stdout

    (answered,) = store.sightings(alert_id=alert_id).to_dict("records")
    assert answered["note"] == "<b>no name</b>" and answered["has_photo"]
    assert store.sighting_photo(answered["id"]) == (picture.read_bytes(), "hull.jpg")
    chip = store.detection_chip(answered["id"])
    assert chip is not None and Image.open(io.BytesIO(chip)).size == (256, 192)
    events = store.alert_events(alert_id)
    (event,) = events[events["action"] == "sighting"].to_dict("records")
    assert event["actor"] == "pilot" and f"drone sighting {answered['id']}" in event["note"]

    again = pilot("mission", "sighting", *answer, "--note", "<b>no name</b>")
    assert "stored already" in again.stdout
    assert len(store.sightings(alert_id=alert_id)) == 1
    assert (store.alert_events(alert_id)["action"] == "sighting").sum() == 1


def test_a_photo_that_is_not_a_jpeg_or_png_is_refused(
    store: Store, pilot: Coastwatch, tmp_path: Path
) -> None:
    gif = photo(tmp_path, "hull.jpg", "GIF")  # its name says JPEG, its bytes GIF
    ran = pilot("mission", "sighting", *at(ALONE), "--photo", str(gif))
    assert ran.code == 2 and "hull.jpg: a GIF image; a photo is a JPEG or a PNG" in ran.stderr
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    ran = pilot("mission", "sighting", *at(ALONE), "--photo", str(text))
    assert ran.code == 2 and "notes.png: not a whole JPEG or PNG image" in ran.stderr
    far = pilot("mission", "sighting", "--at", "95,130")
    assert far.code == 2 and "not a place on Earth" in far.stderr
    assert store.sightings().empty
