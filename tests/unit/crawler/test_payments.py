"""Bitcoin and Monero addresses: published valid vectors are found, the same with one
character changed (or with the other checksum) are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.entities.payments import bech32_decode, find_btc, find_xmr

# Bitcoin: the genesis coinbase address, the Bitcoin wiki's P2SH example, and the valid
# mainnet vectors of BIP-350 (which include BIP-173's corrected ones).
VALID_BTC = [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]
# The invalid mainnet vectors of BIP-173 and BIP-350, with why.
INVALID_BTC = [
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # checksum
    "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",  # witness version 17
    "bc1rw5uspcuh",  # program too short
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # version 0 with 16 bytes
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",  # padding
    "bc1gmk9yu",  # empty data
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 for v1
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 for v16
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m for v0
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # "o" in checksum
    "bc1pw5dgrnzv",  # 1-byte program
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41 bytes
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # padding
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",  # testnet
    "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",  # testnet P2PKH
]
# Monero: the test addresses of monero-python (a standard address, the integrated address
# made from it, a subaddress of its mainnet wallet) and the Monero general fund's address.
VALID_XMR = [
    "43aeKax1ts4BoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuh7PFUAmd",
    "4DHKLPmWW8aBoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuhAR6GpL18QNwE8h3TuF",
    "84LooD7i35SFppgf4tQ453Vi3q5WexSUXaVgut69ro8MFnmHwuezAArEZTZyLr9fS6QotjqkSAxSF6d1aDgsPoX849izJ7m",
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
]
# A testnet address (network byte 53): valid, but not mainnet.
TESTNET_XMR = (
    "9u9j6xG1GNu4ghrdUL35m5PQcJV69YF8731DSTDoh7pDgkBWz2LWNzncq7M5s1"
    "ARjPRhvGPX4dBUeC3xNj4wzfrjV6SY3e9"
)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def one_changed(address: str, at: int, alphabet: str) -> str:
    """``address`` with the character at ``at`` replaced by the next one of ``alphabet``
    (in the address's case)."""
    char = address[at]
    pool = alphabet.upper() if alphabet.islower() and char.isupper() else alphabet
    swapped = pool[(pool.index(char) + 1) % len(pool)]
    return address[:at] + swapped + address[at + 1 :]


@pytest.mark.parametrize("address", VALID_BTC)
def test_valid_bitcoin_addresses_are_found(address: str) -> None:
    text = f"Send 0.5 BTC to {address}. Thanks"
    [found] = find_btc(text)
    expected = address.lower() if address.lower().startswith("bc1") else address
    assert found.value == expected
    assert found.text == address == text[found.start : found.end]


@pytest.mark.parametrize("address", INVALID_BTC)
def test_invalid_bitcoin_addresses_are_not_found(address: str) -> None:
    assert find_btc(f"pay {address} now") == []


@pytest.mark.parametrize("address", VALID_BTC)
@pytest.mark.parametrize("at", [5, -1, -8])
def test_one_character_changed_is_not_found(address: str, at: int) -> None:
    if address.lower().startswith("bc1"):
        at = len(address) + at if at < 0 else at
        changed = one_changed(address, at, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")
    else:
        changed = one_changed(address, at if at >= 0 else len(address) + at, B58)
    assert changed != address
    assert find_btc(f"pay {changed} now") == []


def test_mixed_case_bech32_is_invalid() -> None:
    assert bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") is not None
    assert bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8F3T4") is None


def test_an_address_inside_a_longer_word_is_not_found() -> None:
    assert find_btc("x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == []
    assert find_btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaa") == []


@pytest.mark.parametrize("address", VALID_XMR)
def test_valid_monero_addresses_are_found(address: str) -> None:
    text = f"XMR only: {address}\n"
    [found] = find_xmr(text)
    assert found.value == found.text == address == text[found.start : found.end]


@pytest.mark.parametrize("address", VALID_XMR)
@pytest.mark.parametrize("at", [3, 50, -1])
def test_monero_with_one_character_changed_is_not_found(address: str, at: int) -> None:
    changed = one_changed(address, at if at >= 0 else len(address) + at, B58)
    assert find_xmr(f"XMR {changed}") == []


def test_monero_testnet_and_truncated_addresses_are_not_found() -> None:
    assert find_xmr(TESTNET_XMR) == []
    assert find_xmr(VALID_XMR[0][:-1]) == []
    assert find_xmr(VALID_XMR[0] + "1") == []


def test_a_pathological_page_is_handled() -> None:
    page = ("1" + "z" * 33 + " ") * 20_000 + "bc1" + "q" * 200_000 + " " + "4" * 300_000
    assert find_btc(page) == []
    assert find_xmr(page) == []


@given(st.text(alphabet=st.sampled_from(B58 + "bc0 ")))
def test_never_raises_and_spans_are_exact(text: str) -> None:
    for finder in (find_btc, find_xmr):
        for entity in finder(text):
            assert text[entity.start : entity.end] == entity.text


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert all(text[e.start : e.end] == e.text for e in find_btc(text) + find_xmr(text))
