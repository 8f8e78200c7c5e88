"""Onion service names: which hosts are ``.onion``, and whether a name is a well-formed v3
address (56 base32 characters holding a key, a checksum and the version byte 3)."""

from __future__ import annotations

import base64
import binascii
import hashlib

__all__ = ["is_onion", "is_v3_onion"]


def is_onion(host: str) -> bool:
    """True for a host under ``.onion`` (reached through Tor only)."""
    return host.lower().rstrip(".").endswith(".onion")


def is_v3_onion(host: str) -> bool:
    """True when ``host`` (any sub-domain allowed) ends in a v3 onion name whose checksum
    holds. v2 names (16 characters) are no longer served by Tor."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) < 2 or labels[-1] != "onion" or len(labels[-2]) != 56:
        return False
    try:
        raw = base64.b32decode(labels[-2].upper())
    except (binascii.Error, ValueError):
        return False
    key, checksum, version = raw[:32], raw[32:34], raw[34:]
    if version != b"\x03":
        return False
    return hashlib.sha3_256(b".onion checksum" + key + version).digest()[:2] == checksum
