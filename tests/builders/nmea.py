"""Builders of NMEA test input: real sentences from pyais's encoder, with tag blocks."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from typing import Any

from pyais.encode import encode_dict

__all__ = [
    "checksum",
    "feed",
    "gatehouse",
    "position",
    "sentences",
    "static",
    "tagged",
    "uscg",
]


def checksum(body: str) -> str:
    """The NMEA checksum of ``body``: its characters XORed, as two hex digits."""
    return f"{reduce(lambda a, c: a ^ ord(c), body, 0):02X}"


def tagged(sentence: str, unix_s: float, station: str = "rx1") -> str:
    """Prefix an NMEA 4.0 tag block with receive time ``c:`` and source station ``s:``."""
    body = f"s:{station},c:{int(unix_s)}"
    return f"\\{body}*{checksum(body)}\\{sentence}"


def uscg(sentence: str, unix_s: float, station: str = "b003669794") -> str:
    """A USCG NAIS log line: the sentence, then its receiving station and unix time."""
    return f"{sentence},{station},{int(unix_s)}"


def gatehouse(unix_s: float) -> str:
    """A GateHouse ``$PGHP`` header giving the time of the sentence after it."""
    t = datetime.fromtimestamp(unix_s, UTC)
    body = (
        f"PGHP,1,{t.year},{t.month},{t.day},{t.hour},{t.minute},{t.second},"
        f"{t.microsecond // 1000},338,2,,1,09"
    )
    return f"${body}*{checksum(body)}"


def sentences(fields: dict[str, Any], seq_id: int | None = None, channel: str = "A") -> list[str]:
    """The sentence(s) pyais encodes for a message given as a field dict (``type`` etc.)."""
    return encode_dict(
        fields, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq_id
    )


def position(
    mmsi: int = 431000001, lon: float = 130.0, lat: float = 34.0, msg_type: int = 1, **fields: Any
) -> str:
    """One position report sentence."""
    data = {
        "type": msg_type,
        "mmsi": mmsi,
        "lon": lon,
        "lat": lat,
        "speed": 8.5,
        "course": 90.0,
        "heading": 91,
        "second": 10,
        **fields,
    }
    (sentence,) = sentences(data)
    return sentence


def static(
    mmsi: int = 431000001,
    name: str = "KAIYO MARU",
    seq_id: int = 1,
    channel: str = "A",
    **fields: Any,
) -> list[str]:
    """A type 5 static and voyage message: two sentences."""
    data = {
        "type": 5,
        "mmsi": mmsi,
        "shipname": name,
        "callsign": "JABC",
        "imo": 9123456,
        "ship_type": 70,
        "to_bow": 100,
        "to_stern": 20,
        "to_port": 10,
        "to_starboard": 10,
        "draught": 7.5,
        "destination": "HAKATA",
        **fields,
    }
    return sentences(data, seq_id=seq_id, channel=channel)


def feed(*lines: str) -> bytes:
    """The lines as the bytes of a feed file, one a line."""
    return ("\n".join(lines) + "\n").encode()
