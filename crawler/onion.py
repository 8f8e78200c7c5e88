"""Onion service names: which hosts are ``.onion``, and whether a name is a well-formed v3
address: 56 base32 characters holding the service's ed25519 key (32 bytes), a checksum (2)
and the version byte 3, where checksum = ``sha3_256(".onion checksum" + key + version)[:2]``
(Tor's rend-spec-v3, "Encoding onion addresses"). v2 names (16 characters) are retired.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from surveillance.errors import InputError

__all__ = ["check_v3_onion", "is_onion", "is_v3_onion", "onion_address", "v3_onion_problem"]

_LENGTH = 56
_VERSION = b"\x03"
_CHECKSUM_PREFIX = b".onion checksum"


def is_onion(host: str | None) -> bool:
    """True for a host under ``.onion`` (reached through Tor only, never resolved locally)."""
    return bool(host) and str(host).lower().rstrip(".").endswith(".onion")


def _checksum(key: bytes, version: bytes) -> bytes:
    return hashlib.sha3_256(_CHECKSUM_PREFIX + key + version).digest()[:2]


def onion_address(key: bytes) -> str:
    """The v3 address (``<56 chars>.onion``) of a 32-byte ed25519 public key."""
    if len(key) != 32:
        raise ValueError(f"an onion service key has 32 bytes, not {len(key)}")
    raw = key + _checksum(key, _VERSION) + _VERSION
    return base64.b32encode(raw).decode("ascii").lower() + ".onion"


def v3_onion_problem(host: str) -> str | None:
    """Why ``host`` is not a v3 onion address (any sub-domain allowed), or None when it is."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) < 2 or labels[-1] != "onion":
        return "it does not end in .onion"
    name = labels[-2]
    if len(name) == 16:
        return "it is a v2 address (16 characters), which Tor no longer serves"
    if len(name) != _LENGTH:
        return f"it has {len(name)} characters before .onion, not {_LENGTH}"
    try:
        raw = base64.b32decode(name.upper())
    except (binascii.Error, ValueError):
        return "it is not base32 (letters a-z and digits 2-7)"
    key, checksum, version = raw[:32], raw[32:34], raw[34:]
    if version != _VERSION:
        return f"its version byte is {version[0]}, not 3"
    if _checksum(key, version) != checksum:
        return "its checksum does not match (a mistyped or altered address)"
    return None


def is_v3_onion(host: str) -> bool:
    """True when ``host`` ends in a v3 onion name whose version and checksum hold."""
    return v3_onion_problem(host) is None


def check_v3_onion(host: str) -> str:
    """``host`` when it is a v3 onion address; an :class:`InputError` saying why not."""
    problem = v3_onion_problem(host)
    if problem is not None:
        raise InputError(f"{host!r} is not a v3 onion address: {problem}")
    return host
