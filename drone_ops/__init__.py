"""Drone operations: MAVLink telemetry (pymavlink), mission planning, export and upload."""
