"""The smuggling score: weighted terms in both languages, saturating, a score not a filter."""

from __future__ import annotations

from crawler.entities.vocabulary import smuggling_score


def test_plain_text_scores_nothing() -> None:
    assert smuggling_score("the weather in Fukuoka is fine, ferries on time") == (0, [])


def test_strong_terms_in_both_languages() -> None:
    score, terms = smuggling_score("対馬沖で瀬取り、覚醒剤の受け渡し。AISを切って")
    assert score >= 80
    assert {"瀬取り", "覚醒剤", "受け渡し", "AIS停止"} <= set(terms)
    score, terms = smuggling_score("ship-to-ship transfer tonight, AIS off, cash only")
    assert score >= 60
    assert terms == ["ais off", "cash only", "ship-to-ship"]


def test_weak_words_alone_score_little() -> None:
    score, _ = smuggling_score("drop the kids at school, pickup at five")
    assert 0 < score < 40


def test_repeating_a_term_adds_nothing() -> None:
    assert smuggling_score("STS") == smuggling_score("STS STS STS sts")


def test_the_score_saturates_below_100() -> None:
    text = " ".join(
        ["ship-to-ship", "transshipment", "AIS off", "meth", "cocaine", "heroin", "瀬取り", "密輸"]
        + ["覚醒剤", "積み替え", "contraband", "rendezvous", "spoofing"]
    )
    score, terms = smuggling_score(text)
    assert 95 <= score <= 100
    assert len(terms) == 13


def test_words_inside_words_do_not_count() -> None:
    assert smuggling_score("posts, methods, dropbox, icecream") == (0, [])
