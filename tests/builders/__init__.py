"""Tiny readable builders of test data, all on one clock (:mod:`tests.builders.clock`).

One module per kind: positions, NMEA lines, rule tracks, alerts, and the CLI runner.
"""
