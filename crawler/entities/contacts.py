"""Contact traces in a text: e-mail addresses, phone numbers (phonenumbers, Apache-2.0),
messenger handles (Telegram, Wickr, Session) and PGP key fingerprints.

Values are normal forms that compare across pages: e-mail lower-cased, phones in E.164,
handles as ``network:name`` (``telegram:@name``, ``wickr:name``, ``session:05...``),
fingerprints as 40 upper-case hex digits.
"""

from __future__ import annotations

import re

import phonenumbers

from crawler.entities.base import Entity
from crawler.entities.folding import fold

__all__ = ["find_emails", "find_handles", "find_pgp", "find_phones"]

#: How far before a handle or fingerprint its label may stand.
CONTEXT_BEFORE_CHARS = 60
#: What phonenumbers sees around a run of digits that could be a phone number.
PHONE_MARGIN_CHARS = 4

_AT = r"(?:@|\s?[\[(<{]\s?at\s?[\])>}]\s?)"
_DOT = r"(?:\.|\s?[\[(<{]\s?dot\s?[\])>}]\s?)"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}}){_AT}"
    rf"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?{_DOT}){{1,10}}"
    rf"[A-Za-z]{{2,24}})(?![\w-])",
    re.ASCII | re.IGNORECASE,
)
#: A run that could be a phone number: seven digits or more, with the separators people
#: use; phonenumbers (pure Python, slow on a whole page) reads only these.
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d(?:[\d\s().\-/]{0,4}\d){6,16}", re.ASCII)
#: Hiragana or katakana: the page is Japanese (kanji alone could be Chinese).
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa]")
_PHONE_WORDS = re.compile(
    r"\b(?:tel|phone|call|mobile|cell|sms|whatsapp|signal)\b|電話|携帯|連絡", re.ASCII | re.I
)

_TELEGRAM_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?(?P<name>[A-Za-z]\w{4,31})"
    r"(?![\w/])",
    re.ASCII | re.IGNORECASE,
)
_TELEGRAM_AT = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z]\w{4,31})(?![\w@]|\.\w)", re.ASCII)
_TELEGRAM_WORDS = re.compile(r"\b(?:telegram|tg|tlgrm)\b|テレグラム|テレグラ", re.ASCII | re.I)
_TELEGRAM_RESERVED = frozenset({"joinchat", "addstickers", "share", "proxy", "socks", "iv"})
_WICKR = re.compile(
    r"\bwickr(?:\s?me)?(?:\s?id)?\s{0,2}(?:[:=]|-|\bis\b)\s{0,3}(?P<name>[A-Za-z][\w.-]{1,30}\w)"
    r"(?![\w-]|\.\w)",
    re.ASCII | re.IGNORECASE,
)
_SESSION = re.compile(r"(?<![0-9A-Za-z])05[0-9a-fA-F]{64}(?![0-9A-Za-z])", re.ASCII)
_SESSION_WORDS = re.compile(r"\bsession\b|セッション", re.ASCII | re.I)

_PGP_CONTIGUOUS = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9A-Fa-f]{40}(?![0-9A-Za-z])", re.ASCII)
_PGP_GROUPED = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9A-Fa-f]{4} )(?<![0-9A-Fa-f]{4}  )(?:[0-9A-Fa-f]{4} {1,2}){9}"
    r"[0-9A-Fa-f]{4}(?![0-9A-Za-z])(?! {1,2}[0-9A-Fa-f]{4}(?![0-9A-Za-z]))",
    re.ASCII,
)
_PGP_WORDS = re.compile(
    r"\b(?:pgp|gpg|gnupg|openpgp|fingerprint|fpr|key\s?id)\b|フィンガープリント|指紋|公開鍵",
    re.ASCII | re.IGNORECASE,
)


def _entity(kind: str, value: str, text: str, start: int, end: int, confidence: float) -> Entity:
    return Entity(kind, value, text[start:end], start, end, confidence)


def _said_before(words: re.Pattern[str], folded: str, start: int) -> bool:
    return words.search(folded[max(0, start - CONTEXT_BEFORE_CHARS) : start]) is not None


def find_emails(text: str) -> list[Entity]:
    """E-mail addresses, also written ``name [at] host [dot] onion``; the value is the
    address lower-cased, without the disguise."""
    folded = fold(text)
    found = []
    for match in _EMAIL.finditer(folded):
        disguised = "@" not in match.group()
        domain = re.sub(_DOT, ".", match["domain"], flags=re.ASCII | re.IGNORECASE)
        value = f"{match['local']}@{domain}".lower()
        start, end = match.span()
        found.append(_entity("email", value, text, start, end, 0.8 if disguised else 0.95))
    return found


def find_phones(text: str, region: str | None = None) -> list[Entity]:
    """Phone numbers, valid for their country, as E.164. With a ``+`` the country is written;
    without one it is ``region`` (ISO 3166 alpha-2). With no region given, a page written in
    kana is read as Japanese (``090-1234-5678`` is ``+819012345678``); on any other page a
    number without ``+`` is not found. Less sure without the ``+``."""
    folded = fold(text)
    if region is None and _KANA.search(text):
        region = "JP"
    found: dict[int, Entity] = {}
    for candidate in _PHONE_CANDIDATE.finditer(folded):
        # phonenumbers reads the window as written (it knows full-width digits itself)
        offset = max(0, candidate.start() - PHONE_MARGIN_CHARS)
        window = text[offset : candidate.end() + PHONE_MARGIN_CHARS]
        for match in phonenumbers.PhoneNumberMatcher(window, region or "ZZ"):
            start, end = offset + match.start, offset + match.end
            if start in found:
                continue
            number = match.number
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            confidence = 0.85 if fold(match.raw_string).startswith("+") else 0.6
            if _said_before(_PHONE_WORDS, folded, start):
                confidence += 0.1
            found[start] = _entity("phone", value, text, start, end, round(confidence, 2))
    return [found[start] for start in sorted(found)]


def find_handles(text: str) -> list[Entity]:
    """Messenger handles: Telegram (``t.me/name``, or ``@name``, sure when "Telegram" is
    said before it), Wickr (``wickr: name``) and Session IDs (``05`` and 64 hex digits)."""
    folded = fold(text)
    found: dict[int, Entity] = {}
    for match in _TELEGRAM_LINK.finditer(folded):
        name = match["name"]
        if name.lower() in _TELEGRAM_RESERVED or name.endswith("_"):
            continue
        start, end = match.span()
        found[start] = _entity("handle", f"telegram:@{name.lower()}", text, start, end, 0.95)
    for match in _TELEGRAM_AT.finditer(folded):
        name = match["name"]
        if name.endswith("_"):
            continue
        start, end = match.span()
        confidence = 0.9 if _said_before(_TELEGRAM_WORDS, folded, start) else 0.5
        found[start] = _entity("handle", f"telegram:@{name.lower()}", text, start, end, confidence)
    for match in _WICKR.finditer(folded):
        start, end = match.span("name")
        name = match["name"].lower()
        found[start] = _entity("handle", f"wickr:{name}", text, start, end, 0.9)
    for match in _SESSION.finditer(folded):
        start, end = match.span()
        confidence = 0.95 if _said_before(_SESSION_WORDS, folded, start) else 0.8
        found[start] = _entity(
            "handle", f"session:{match.group().lower()}", text, start, end, confidence
        )
    return [found[start] for start in sorted(found)]


def find_pgp(text: str) -> list[Entity]:
    """PGP key fingerprints (40 hex digits, whole or in groups of four) where "PGP",
    "fingerprint" or the like is said before them (else a 40-hex string is any SHA-1)."""
    folded = fold(text)
    found = []
    for pattern in (_PGP_CONTIGUOUS, _PGP_GROUPED):
        for match in pattern.finditer(folded):
            start, end = match.span()
            if not _said_before(_PGP_WORDS, folded, start):
                continue
            value = "".join(match.group().split()).upper().removeprefix("0X")
            found.append(_entity("pgp", value, text, start, end, 0.9))
    return sorted(found, key=lambda entity: entity.start)
