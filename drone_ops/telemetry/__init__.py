"""Drone telemetry in: MAVLink from live links and ``.tlog`` files through the ingest contract
into ``drone_telemetry``. The ingest side of ``drone_ops``; the dashboard never imports it."""
