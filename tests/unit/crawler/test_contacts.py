"""E-mail, phone, messenger-handle and PGP-fingerprint finders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.entities.contacts import find_emails, find_handles, find_pgp, find_phones

FINGERPRINT = "D4AB1F4C22E87C109B6EA2F348C109D2AA173F55"
SESSION_ID = "05" + "b5d4a5c0e0b8b8f1d6e5c3a2b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2"


def values(found: list) -> list[str]:
    return [entity.value for entity in found]


def spans_exact(text: str, found: list) -> bool:
    return all(text[entity.start : entity.end] == entity.text for entity in found)


def test_emails_plain_and_disguised() -> None:
    text = "Write Bob.Smith@Example.COM, or drop [at] abcdefghijklmnop [dot] onion (fast)."
    found = find_emails(text)
    assert values(found) == ["bob.smith@example.com", "drop@abcdefghijklmnop.onion"]
    assert found[0].confidence > found[1].confidence
    assert spans_exact(text, found)


def test_full_width_email() -> None:
    text = "連絡先：ｄｒｏｐ＠ｍａｉｌ．ｊｐ まで"
    [found] = find_emails(text)
    assert found.value == "drop@mail.jp"
    assert found.text == "ｄｒｏｐ＠ｍａｉｌ．ｊｐ"


@pytest.mark.parametrize("text", ["user@localhost", "@handle only", "a@b", "x@@y.com"])
def test_not_emails(text: str) -> None:
    assert find_emails(text) == []


def test_international_phones_in_e164() -> None:
    text = "call +81 90-1234-5678 or +44 20 7946 0958"
    found = find_phones(text)
    assert values(found) == ["+819012345678", "+442079460958"]
    assert spans_exact(text, found)


def test_national_phones_need_a_region_and_are_less_sure() -> None:
    text = "電話 ０９０－１２３４－５６７８ まで"
    assert find_phones("call 090-1234-5678") == []
    assert find_phones("電話 090-1234-5678", region="US") == []
    assert find_phones(text) == find_phones(text, region="JP")  # kana: a Japanese page
    [found] = find_phones(text, region="JP")
    assert found.value == "+819012345678"
    assert found.text == "０９０－１２３４－５６７８"
    [international] = find_phones("電話 +81 90-1234-5678")
    assert found.confidence < international.confidence


def test_an_mmsi_or_a_position_is_not_a_phone() -> None:
    assert find_phones("MMSI 431000123 at 34.2083, 129.75", region="JP") == []


def test_telegram_handles() -> None:
    text = "Telegram: @cargo_boss or https://t.me/shipdrops; t.me/joinchat/AAAA is not one"
    found = find_handles(text)
    assert values(found) == ["telegram:@cargo_boss", "telegram:@shipdrops"]
    assert spans_exact(text, found)
    assert found[0].text == "@cargo_boss"
    assert found[1].text == "https://t.me/shipdrops"


def test_a_bare_at_name_is_unsure_and_an_email_is_no_handle() -> None:
    [bare] = find_handles("ask @johnny5 about it")
    assert bare.value == "telegram:@johnny5" and bare.confidence == 0.5
    assert find_handles("mail bob@example.com or @abc") == []


def test_wickr_and_session() -> None:
    text = f"wickr: Ice.Man. Wickr ID - coldfish. Session ID {SESSION_ID}"
    found = find_handles(text)
    assert values(found) == ["wickr:ice.man", "wickr:coldfish", f"session:{SESSION_ID}"]
    assert spans_exact(text, found)
    assert find_handles("Session 05" + "a" * 63) == []  # one digit short


def test_pgp_fingerprints_whole_and_grouped() -> None:
    grouped = " ".join(FINGERPRINT[i : i + 4] for i in range(0, 40, 4))
    text = f"PGP fingerprint: 0x{FINGERPRINT.lower()}\nmy key fingerprint {grouped}."
    found = find_pgp(text)
    assert values(found) == [FINGERPRINT, FINGERPRINT]
    assert spans_exact(text, found)
    gpg_style = grouped[:24] + " " + grouped[24:]  # gpg prints two spaces in the middle
    assert values(find_pgp(f"fingerprint = {gpg_style}")) == [FINGERPRINT]


def test_forty_hex_digits_without_pgp_words_are_any_sha1() -> None:
    assert find_pgp(f"commit {FINGERPRINT.lower()} fixed it") == []
    assert find_pgp(f"PGP {FINGERPRINT}0") == []  # 41 digits


def test_a_pathological_page_is_handled() -> None:
    page = "a" * 200_000 + "@" + "b." * 100_000 + " [at] " * 20_000 + "@x" * 50_000
    page += " fingerprint " + "ABCD " * 50_000 + "05" + "f" * 100_000
    assert find_emails(page) == []
    find_handles(page)
    assert find_pgp(page) == []
    find_phones(page, region="JP")


@given(st.text())
def test_never_raises_and_spans_are_exact(text: str) -> None:
    for finder in (find_emails, find_handles, find_pgp, find_phones):
        assert spans_exact(text, finder(text))
    assert spans_exact(text, find_phones(text, region="JP"))
