"""Validation of decoded AIS records, vectorized; each failure has a named reason.

Reasons (the quarantine's ``reason`` column and the ingest summary): ``malformed_row``
(CSV), ``bad_checksum``, ``malformed_sentence``, ``lost_fragment``, ``undecodable``,
``position_not_available`` (lon 181 / lat 91), ``position_out_of_range``, ``invalid_mmsi``
(not a valid 9-digit identity for its kind of station), ``unknown_mid`` (no such
Maritime Identification Digits), ``no_timestamp``, ``timestamp_in_future``,
``timestamp_before_era`` (before 2000, or a month before the rest of its file, when there
are enough times to tell), ``bad_tag_checksum`` (an NMEA 4.0 tag block broken or failing
its own checksum), ``bad_time_header`` (a GateHouse ``$PGHP`` failing its checksum or
naming no real time).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from surveillance.mid import mid_flags

__all__ = ["mmsi_flags", "position_reasons", "time_reasons"]

ERA_START_S = 946_684_800.0  # 2000-01-01T00:00Z: nothing older is a real AIS record here
FUTURE_TOLERANCE_S = 300.0
ERA_SPREAD_S = 30 * 86_400.0
ERA_SAMPLE = 20  # fewer timed records than this tell no era of their file

ObjArray = npt.NDArray[np.object_]


@cache
def _mid_table() -> npt.NDArray[np.str_]:
    """ISO 3166 alpha-2 code of every MID (index 0..999), '' where none is allocated."""
    table = np.full(1000, "", dtype="<U2")
    for mid, iso2 in mid_flags().items():
        table[mid] = iso2
    return table


def mmsi_flags(
    mmsi: npt.NDArray[np.int64], base_station: npt.NDArray[np.bool_] | None = None
) -> tuple[npt.NDArray[np.str_], ObjArray]:
    """Flag (ISO alpha-2, '' when none) and rejection reason (None when valid) per MMSI.

    Ships are ``MIDxxxxxx``; craft of a parent ship ``98MIDxxxx``, aids to navigation
    ``99MIDxxxx``, SAR aircraft ``111MIDxxx``, handhelds ``8MIDxxxxx``; SART, MOB and EPIRB
    devices ``970``/``972``/``974`` (no flag); base stations (``base_station``) ``00MIDxxxx``.
    """
    mmsi = np.asarray(mmsi, dtype=np.int64)
    if base_station is None:
        base_station = np.zeros(len(mmsi), dtype=bool)
    mid = np.full(len(mmsi), -1, dtype=np.int64)
    nine = (mmsi >= 100_000_000) & (mmsi <= 999_999_999)
    lead = mmsi // 100_000_000
    ship = nine & (lead >= 2) & (lead <= 7)
    mid[ship] = mmsi[ship] // 1_000_000
    handheld = nine & (lead == 8)
    mid[handheld] = (mmsi[handheld] // 100_000) % 1000
    lead2, lead3 = mmsi // 10_000_000, mmsi // 1_000_000
    craft = nine & ((lead2 == 98) | (lead2 == 99))
    mid[craft] = (mmsi[craft] // 10_000) % 1000
    sar = nine & (lead3 == 111)
    mid[sar] = (mmsi[sar] // 1_000) % 1000
    device = nine & np.isin(lead3, (970, 972, 974))
    coast = base_station & (mmsi >= 1_000_000) & (mmsi < 10_000_000)
    mid[coast] = (mmsi[coast] // 10_000) % 1000
    table = _mid_table()
    flags = np.where(mid >= 0, table[np.clip(mid, 0, 999)], "")
    reasons = np.full(len(mmsi), None, dtype=object)
    reasons[(mid < 0) & ~device] = "invalid_mmsi"
    reasons[(mid >= 0) & (flags == "")] = "unknown_mid"
    return flags, reasons


def position_reasons(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> ObjArray:
    """``position_not_available`` or ``position_out_of_range`` per report, else None."""
    reasons = np.full(len(lon), None, dtype=object)
    reasons[~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))] = "position_out_of_range"
    reasons[(lon == 181) | (lat == 91)] = "position_not_available"
    return reasons


def time_reasons(ts: npt.NDArray[np.float64], now_s: float) -> ObjArray:
    """Time checks per record: missing, in the future, or before the era of its file."""
    reasons = np.full(len(ts), None, dtype=object)
    known = ~np.isnan(ts)
    reasons[~known] = "no_timestamp"
    if known.any():
        era_start = ERA_START_S
        if known.sum() >= ERA_SAMPLE:
            era_start = max(era_start, float(np.median(ts[known])) - ERA_SPREAD_S)
        reasons[known & (ts < era_start)] = "timestamp_before_era"
        reasons[known & (ts > now_s + FUTURE_TOLERANCE_S)] = "timestamp_in_future"
    return reasons
