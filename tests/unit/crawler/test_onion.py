"""v3 onion addresses: real ones pass; a typo, a v2 name, a wrong version byte do not."""

from __future__ import annotations

import base64
import hashlib

import pytest

from crawler.onion import check_v3_onion, is_onion, is_v3_onion, onion_address, v3_onion_problem
from surveillance.errors import InputError

# Published addresses of well-known services (their own sites list them).
DUCKDUCKGO = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
TORPROJECT = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


@pytest.mark.parametrize("host", [DUCKDUCKGO, TORPROJECT, "www." + TORPROJECT, DUCKDUCKGO + "."])
def test_published_v3_addresses_are_accepted(host: str) -> None:
    assert is_onion(host)
    assert is_v3_onion(host)
    assert check_v3_onion(host) == host


def test_an_address_is_built_from_its_key() -> None:
    key = base64.b32decode(TORPROJECT[:56].upper())[:32]
    assert onion_address(key) == TORPROJECT
    assert is_v3_onion(onion_address(bytes(range(32))))


def test_one_mistyped_character_breaks_the_checksum() -> None:
    typo = ("a" if TORPROJECT[0] != "a" else "b") + TORPROJECT[1:]
    assert v3_onion_problem(typo) == "its checksum does not match (a mistyped or altered address)"


def test_the_version_byte_must_be_three() -> None:
    key = bytes(range(32))
    version = b"\x04"
    checksum = hashlib.sha3_256(b".onion checksum" + key + version).digest()[:2]
    name = base64.b32encode(key + checksum + version).decode().lower() + ".onion"
    assert v3_onion_problem(name) == "its version byte is 4, not 3"


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("expyuzz4wqqyqhjn.onion", "v2 address"),
        ("forum.example", "does not end in .onion"),
        ("abc.onion", "3 characters"),
        ("1" * 56 + ".onion", "not base32"),
    ],
)
def test_other_names_are_refused_with_the_reason(host: str, reason: str) -> None:
    assert not is_v3_onion(host)
    with pytest.raises(InputError, match=reason):
        check_v3_onion(host)


def test_only_onion_hosts_are_onion() -> None:
    assert not is_onion("onion.example")
    assert not is_onion(None)
    assert not is_onion("")
    assert is_onion("ABC.ONION")
