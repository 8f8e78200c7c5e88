"""Payment traces in a text: Bitcoin and Monero addresses, each only when its checksum holds
(a mistyped or made-up address is not found).

Bitcoin: base58check P2PKH (``1...``) and P2SH (``3...``) with the double-SHA256 checksum,
and segwit ``bc1...`` with the bech32 (BIP-173, version 0) or bech32m (BIP-350, versions
1-16) checksum. Monero: standard and subaddresses (95 characters, ``4...``/``8...``) and
integrated addresses (106, ``4...``), in Monero's block base58, with the Keccak-256
checksum (pycryptodome).
"""

from __future__ import annotations

import hashlib
import re

from Crypto.Hash import keccak

from crawler.entities.base import Entity
from crawler.entities.folding import fold

__all__ = ["bech32_decode", "find_btc", "find_xmr"]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: i for i, char in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: i for i, char in enumerate(_BECH32)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3

_BTC_BASE58 = re.compile(r"(?<![0-9A-Za-z])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])")
_BTC_BECH32 = re.compile(
    r"(?<![0-9A-Za-z])(?:bc|BC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}(?![0-9A-Za-z])"
)
_XMR = re.compile(
    r"(?<![0-9A-Za-z])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![0-9A-Za-z])"
)

#: Version bytes of Bitcoin mainnet base58 addresses: P2PKH and P2SH.
_BTC_VERSIONS = (0x00, 0x05)
#: Monero mainnet network bytes: standard address, integrated address, subaddress.
_XMR_STANDARD, _XMR_INTEGRATED, _XMR_SUBADDRESS = 18, 19, 42
#: Monero base58 encodes 8-byte blocks as 11 characters; a shorter last block of n bytes
#: takes _XMR_BLOCK_CHARS[n] characters.
_XMR_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)


def _entity(kind: str, value: str, text: str, start: int, end: int, confidence: float) -> Entity:
    return Entity(kind, value, text[start:end], start, end, confidence)


def _base58_number(chars: str) -> int:
    number = 0
    for char in chars:
        number = number * 58 + _B58_INDEX[char]
    return number


def _base58check_payload(address: str) -> bytes | None:
    """The payload of a base58check string (version byte first), or None when its
    double-SHA256 checksum does not hold."""
    number = _base58_number(address)
    zeros = len(address) - len(address.lstrip("1"))
    length = (number.bit_length() + 7) // 8
    raw = b"\x00" * zeros + number.to_bytes(length, "big")
    payload, checksum = raw[:-4], raw[-4:]
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    return payload if len(raw) > 4 and digest[:4] == checksum else None


def _polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> bytes | None:
    """5-bit groups to bytes (BIP-173), or None when the padding is not zero bits."""
    accumulator = bits = 0
    out = bytearray()
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & ((1 << to_bits) - 1))
    if bits >= from_bits or (accumulator << (to_bits - bits)) & ((1 << to_bits) - 1):
        return None
    return bytes(out)


def bech32_decode(address: str) -> tuple[str, int, bytes] | None:
    """``(hrp, witness version, program)`` of a segwit address whose checksum holds (bech32
    for version 0, bech32m for 1-16) and whose program has a valid length, else None."""
    if address.lower() != address and address.upper() != address:
        return None  # mixed case is invalid
    address = address.lower()
    hrp, sep, data_part = address.rpartition("1")
    if not sep or not hrp or len(data_part) < 7 or len(address) > 90:
        return None
    if any(c not in _BECH32_INDEX for c in data_part):
        return None
    data = [_BECH32_INDEX[c] for c in data_part]
    constant = _polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if version > 16 or constant != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        return None
    program = _convert_bits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    return hrp, version, program


def find_btc(text: str) -> list[Entity]:
    """Bitcoin mainnet addresses whose checksums hold; values as written (bech32 in lower
    case)."""
    folded = fold(text)
    found = []
    for match in _BTC_BASE58.finditer(folded):
        payload = _base58check_payload(match.group())
        if payload is not None and len(payload) == 21 and payload[0] in _BTC_VERSIONS:
            start, end = match.span()
            found.append(_entity("btc", match.group(), text, start, end, 0.95))
    for match in _BTC_BECH32.finditer(folded):
        decoded = bech32_decode(match.group())
        if decoded is not None and decoded[0] == "bc":
            start, end = match.span()
            found.append(_entity("btc", match.group().lower(), text, start, end, 0.95))
    return sorted(found, key=lambda entity: entity.start)


def _monero_base58(address: str) -> bytes | None:
    """Monero's block base58: 11 characters per 8 bytes, a shorter last block."""
    out = bytearray()
    for at in range(0, len(address), 11):
        block = address[at : at + 11]
        if len(block) not in _XMR_BLOCK_CHARS:
            return None
        size = _XMR_BLOCK_CHARS.index(len(block))
        number = _base58_number(block)
        if number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def _monero_valid(address: str) -> bool:
    raw = _monero_base58(address)
    if raw is None:
        return False
    expected = {95: (_XMR_STANDARD, _XMR_SUBADDRESS), 106: (_XMR_INTEGRATED,)}[len(address)]
    if raw[0] not in expected:
        return False
    digest = keccak.new(digest_bits=256, data=raw[:-4]).digest()
    return digest[:4] == raw[-4:]


def find_xmr(text: str) -> list[Entity]:
    """Monero mainnet addresses (standard, subaddress, integrated) whose Keccak-256
    checksum holds."""
    folded = fold(text)
    found = []
    for match in _XMR.finditer(folded):
        if _monero_valid(match.group()):
            start, end = match.span()
            found.append(_entity("xmr", match.group(), text, start, end, 0.95))
    return found
