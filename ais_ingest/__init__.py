"""AIS ingest: NMEA (files, TCP, UDP) through pyais, CSV exports, validation, bulk load."""
