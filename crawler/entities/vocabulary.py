"""How much a text speaks the language of smuggling at sea: a score, not a filter.

A weighted vocabulary in English and Japanese (ours). Each term counts once however often
it is written; the weights add up and saturate towards 100 (``1 - exp(-sum / scale)``), so
one strong term ("ship-to-ship", ``瀬取り``) scores about 40 and four or five strong ones
come close to 100. Weak words ("drop", "pickup", ``取引``) alone score little.

>>> smuggling_score("STS at night, AIS off, 瀬取り")
(78, ['ais off', 'sts', '瀬取り'])
>>> smuggling_score("the weather in Fukuoka")
(0, [])
"""

from __future__ import annotations

import math
import re

from crawler.entities.folding import fold

__all__ = ["smuggling_score", "TERMS"]

_SCALE = 10.0

#: term as reported -> (weight, pattern). English patterns are matched at word boundaries
#: and without regard to case; Japanese ones anywhere.
TERMS: dict[str, tuple[float, str]] = {
    # transfers at sea
    "ship-to-ship": (5, r"ship[\s-]*to[\s-]*ship"),
    "sts": (5, r"STS"),
    "transshipment": (5, r"trans-?shipp?(?:ment|ing)|tranship(?:ment|ping)?"),
    "rendezvous": (3, r"rendez-?vous"),
    "mid-sea": (3, r"mid-?sea|at sea transfer|offshore transfer"),
    "drop": (1.5, r"drops?|drop-?off"),
    "pickup": (1.5, r"pick-?ups?|pick up"),
    "handover": (2, r"hand-?over|hand off"),
    "landing": (1.5, r"landings?|off-?load(?:ing)?|unload(?:ing)?"),
    "lookout": (1.5, r"look-?outs?"),
    "small boats": (1.5, r"small boats?|dinghy|dinghies|speed-?boats?"),
    # going dark
    "dark": (2, r"go(?:ing|es)? dark|dark (?:ship|vessel|target)s?"),
    "ais off": (
        4,
        r"AIS (?:off|down|dark|switched off|turned off)|(?:switch|turn)(?:ed)? off (?:the )?AIS"
        r"|transponder off",
    ),
    "spoofing": (3, r"spoof(?:ed|ing)?|fake MMSI|false flag"),
    # goods
    "meth": (4, r"meth(?:amphetamine)?|crystal meth|shabu"),
    "cocaine": (4, r"cocaine"),
    "heroin": (4, r"heroin"),
    "contraband": (3, r"contraband|smuggl(?:e|ed|er|ers|ing)"),
    "cargo": (1, r"cargo|packages?|parcels?|bales?"),
    "gold": (1.5, r"gold bars?|bullion"),
    # the trade
    "no questions": (2, r"no questions(?: asked)?"),
    "cash only": (1.5, r"cash only|crypto only|btc only|xmr only"),
    "escrow": (1.5, r"escrow"),
    "coast guard": (2, r"coast ?guard|JCG|patrol boats?"),
    "customs": (1.5, r"customs"),
    # Japanese
    "瀬取り": (6, r"瀬取り?|せどり|洋上取引|洋上での?受け渡し"),
    "覚醒剤": (5, r"覚醒剤|覚せい剤|シャブ|メタンフェタミン"),
    "密輸": (5, r"密輸|密売|密航"),
    "大麻": (4, r"大麻|コカイン|ヘロイン|麻薬"),
    "洋上": (2, r"洋上|沖合|沖で"),
    "取引": (1.5, r"取引|取り引き|ブツ"),
    "受け渡し": (2, r"受け?渡し|引き?渡し|手渡し"),
    "荷揚げ": (3, r"荷揚げ|陸揚げ|揚陸"),
    "見張り": (2, r"見張り"),
    "小型ボート": (1.5, r"小さいボート|小型(?:ボート|船)|ゴムボート"),
    "積み替え": (4, r"積み?替え|積み?換え|転載"),
    "AIS停止": (4, r"AIS(?:を)?(?:停止|切|オフ|消)"),
    "海上保安庁": (2, r"海上保安庁|海保|巡視船"),
    "税関": (1.5, r"税関"),
    "現金": (1, r"現金のみ|現金払い|仮想通貨"),
}

_EN = re.compile(
    "|".join(
        rf"(?P<t{i}>(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9]))"
        for i, (term, (_, pattern)) in enumerate(TERMS.items())
        if term.isascii()
    ),
    re.IGNORECASE,
)
_JA = re.compile(
    "|".join(
        rf"(?P<t{i}>{pattern})"
        for i, (term, (_, pattern)) in enumerate(TERMS.items())
        if not term.isascii()
    )
)
_NAMES = list(TERMS)


def smuggling_score(text: str) -> tuple[int, list[str]]:
    """``(0-100, the terms found, sorted)``: how strongly ``text`` speaks of smuggling."""
    found: set[str] = set()
    text = fold(text)
    for pattern in (_EN, _JA):
        for match in pattern.finditer(text):
            name = match.lastgroup
            if name is not None:
                found.add(_NAMES[int(name[1:])])
    weight = sum(TERMS[term][0] for term in found)
    return round(100 * (1 - math.exp(-weight / _SCALE))), sorted(found)
