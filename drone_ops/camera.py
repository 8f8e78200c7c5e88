"""What a camera sees from an altitude: ground sampling distance and the photo footprint."""

from __future__ import annotations

from drone_ops.plan import Camera

__all__ = ["footprint_m", "gsd_cm"]


def gsd_cm(camera: Camera, altitude_m: float) -> float:
    """Ground sampling distance, cm a pixel across the image width:
    sensor_width_mm * altitude / (focal_mm * image_width_px)."""
    return (
        100.0
        * camera.sensor_width_mm
        * altitude_m
        / (camera.focal_length_mm * camera.image_width_px)
    )


def footprint_m(camera: Camera, altitude_m: float) -> tuple[float, float]:
    """The ground one photo covers, (across track, along track) in metres; a landscape camera
    has the image's width across the track, as QGroundControl's CameraCalc lays it."""
    width_m = camera.sensor_width_mm * altitude_m / camera.focal_length_mm
    height_m = camera.sensor_height_mm * altitude_m / camera.focal_length_mm
    return (width_m, height_m) if camera.landscape else (height_m, width_m)
