"""AIS exports in CSV, in the two formats analysts meet most (told apart by
:func:`ais_ingest.files.detect_format`).

- US MarineCadastre: ``MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,
  VesselType,Status,Length,Width,Draft,Cargo[,TransceiverClass]`` (times UTC, ISO 8601);
- Danish Maritime Authority: ``# Timestamp,Type of mobile,MMSI,Latitude,Longitude,
  Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,...`` (times
  ``dd/mm/yyyy HH:MM:SS`` UTC, statuses and ship types as text).

Rows become the same position and identity records as NMEA, validated the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ais_ingest.csvfile import CsvRows
from ais_ingest.decode import finish
from ais_ingest.records import IDENTITY_COLUMNS, POSITION_COLUMNS, STATION_COLUMNS, Decoded
from surveillance.vocabulary import IDENTITY_FIELDS

__all__ = ["CsvParse"]

# Navigational status and ship type as DMA writes them -> ITU codes
_DMA_STATUS = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "ais-sart is active": 14,
    "unknown value": 15,
}
_DMA_SHIP_TYPE = {
    "fishing": 30,
    "towing": 31,
    "towing long/wide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "anti-pollution": 54,
    "law enforcement": 55,
    "medical": 58,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}


def _number(series: pd.Series) -> np.ndarray:
    """Numbers from text, NaN where a field is empty or no number; pyarrow's cast parses
    a block at once, and only a block holding something else is parsed by pandas."""
    text = pa.array(series, type=pa.string(), from_pandas=True)
    try:
        numbers = pc.cast(pc.if_else(pc.equal(text, ""), None, text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    return numbers.to_numpy(zero_copy_only=False)


def _text(series: pd.Series) -> pd.Series:
    cleaned = series.astype("string").str.strip()
    return cleaned.where(~cleaned.isin(["", "Unknown", "Undefined", "nan"]), None)


def _records(
    frame: pd.DataFrame,
    columns: dict[str, str],
    times: pd.Series,
    class_b: np.ndarray,
    status: np.ndarray,
    ship_type: np.ndarray,
) -> Decoded:
    rows = frame.index.to_numpy()  # the block's row of each record: its line, if rejected
    frame, times = frame.reset_index(drop=True), times.reset_index(drop=True)
    col = {ours: frame[theirs] for ours, theirs in columns.items() if theirs in frame.columns}
    ts = (times - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=np.float64)
    mmsi = _number(col["mmsi"])
    heading = _number(col["heading"]) if "heading" in col else np.full(len(frame), np.nan)
    cog = _number(col["cog"]) if "cog" in col else np.full(len(frame), np.nan)
    positions = pd.DataFrame(
        {
            "mmsi": np.nan_to_num(mmsi, nan=-1).astype(np.int64),
            "ts": ts,
            "lon": _number(col["lon"]),
            "lat": _number(col["lat"]),
            "sog_knots": _number(col["sog"]) if "sog" in col else np.nan,
            "cog_deg": np.where(cog >= 360, np.nan, cog),
            "heading_deg": np.where(heading > 359, np.nan, heading),
            "nav_status": status,
            "msg_type": np.where(class_b, 18, 1),
            "raw": None,
            "row": rows,
        }
    )
    # a CSV row has no payload: what it says stands in for one
    said = positions[["mmsi", "ts", "lon", "lat"]]
    positions["key_hash"] = pd.util.hash_pandas_object(said, index=False).to_numpy().view(np.int64)
    identities = pd.DataFrame(
        {
            "mmsi": positions["mmsi"],
            "ts": ts,
            "imo": _number(col["imo"].astype(str).str.replace("IMO", ""))
            if "imo" in col
            else np.nan,
            "name": _text(col["name"]) if "name" in col else None,
            "callsign": _text(col["callsign"]) if "callsign" in col else None,
            "ship_type": ship_type,
            "length_m": _number(col["length"]) if "length" in col else np.nan,
            "beam_m": _number(col["width"]) if "width" in col else np.nan,
            "draught_m": _number(col["draught"]) if "draught" in col else np.nan,
            "destination": _text(col["destination"]) if "destination" in col else None,
            "msg_type": 5,
            "raw": None,
            "row": rows,
        }
    )
    has_identity = identities[["name", "callsign", "imo"]].notna().any(axis=1)
    identities = identities[has_identity].drop_duplicates(["mmsi", *IDENTITY_FIELDS])
    counts: Counter[str] = Counter(
        {"csv_rows": len(frame), "type_1": int((~class_b).sum()), "type_18": int(class_b.sum())}
    )
    return Decoded(
        positions=positions[[*POSITION_COLUMNS, "key_hash", "raw", "row"]],
        identities=identities[[*IDENTITY_COLUMNS, "raw", "row"]],
        stations=pd.DataFrame(columns=[*STATION_COLUMNS, "raw"]),
        rejects=pd.DataFrame(columns=["reason", "raw", "ts", "detail"]),
        counts=counts,
    )


def _marinecadastre(frame: pd.DataFrame) -> Decoded:
    times = pd.to_datetime(frame["BaseDateTime"], utc=True, errors="coerce", format="ISO8601")
    if "TransceiverClass" in frame.columns:
        class_b = (frame["TransceiverClass"].astype(str).str.strip() == "B").to_numpy()
    else:
        class_b = np.zeros(len(frame), dtype=bool)
    columns = {
        "mmsi": "MMSI",
        "lat": "LAT",
        "lon": "LON",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "name": "VesselName",
        "imo": "IMO",
        "callsign": "CallSign",
        "length": "Length",
        "width": "Width",
        "draught": "Draft",
    }
    return _records(
        frame, columns, times, class_b, _number(frame["Status"]), _number(frame["VesselType"])
    )


def _dma(frame: pd.DataFrame) -> Decoded:
    frame = frame.rename(columns={"Timestamp": "# Timestamp"})
    times = pd.to_datetime(
        frame["# Timestamp"], utc=True, errors="coerce", format="%d/%m/%Y %H:%M:%S"
    )
    kind = frame["Type of mobile"].astype(str).str.strip()
    ships = kind.isin(["Class A", "Class B"])
    others = int((~ships).sum())  # base stations, aids to navigation, SAR aircraft...
    frame = frame[ships]
    times, kind = times[frame.index], kind[frame.index]
    status = frame["Navigational status"].astype(str).str.strip().str.lower().map(_DMA_STATUS)
    ship = frame["Ship type"].astype(str).str.strip().str.lower().map(_DMA_SHIP_TYPE)
    columns = {
        "mmsi": "MMSI",
        "lat": "Latitude",
        "lon": "Longitude",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "name": "Name",
        "imo": "IMO",
        "callsign": "Callsign",
        "length": "Length",
        "width": "Width",
        "draught": "Draught",
        "destination": "Destination",
    }
    class_b = (kind == "Class B").to_numpy()
    status_codes, ship_types = status.to_numpy(np.float64), ship.to_numpy(np.float64)
    decoded = _records(frame, columns, times, class_b, status_codes, ship_types)
    decoded.counts["other_mobiles"] += others  # counted, not stored: not ships
    return decoded


@dataclass(frozen=True)
class CsvParse:
    """The parse step of a CSV export in format ``fmt`` (see
    :func:`ais_ingest.files.detect_format`): rows -> validated batches, and the rows that
    could not be split as ``malformed_row`` rejects."""

    fmt: str
    now_s: float

    def __call__(self, batches: Iterable[CsvRows]) -> Iterator[Decoded]:
        records = _marinecadastre if self.fmt == "marinecadastre" else _dma
        for rows in batches:
            decoded = finish(records(rows.frame), self.now_s, raw_of=rows.line)
            decoded.identities = decoded.identities.drop(columns=["row"])
            if rows.malformed:
                bad = pd.DataFrame(
                    {"reason": "malformed_row", "ts": np.nan, "detail": "", "raw": rows.malformed}
                )
                decoded.rejects = pd.concat([decoded.rejects, bad], ignore_index=True)
            yield decoded
