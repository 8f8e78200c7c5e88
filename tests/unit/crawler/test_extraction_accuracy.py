"""The goals of issue #14 on the labelled set (tests/data/leads): precision and recall of
extract() at least 0.95 for mmsi, imo and position, 0.9 for vessel and place."""

from __future__ import annotations

import pytest

from crawler.entities import extract
from crawler.entities.places import Gazetteer
from tests.builders.labelled_leads import (
    GOALS,
    KindScore,
    LabelledPage,
    labelled_known,
    labelled_pages,
    score,
)


@pytest.fixture(scope="module")
def scores() -> dict[str, KindScore]:
    known, gazetteer = labelled_known(), Gazetteer.packaged()

    def ours(page: LabelledPage) -> list:  # type: ignore[type-arg]
        return extract(page.text, posted=page.posted, known=known, gazetteer=gazetteer).entities

    return score(labelled_pages(), ours)


def test_the_set_is_big_enough_and_bilingual() -> None:
    pages = labelled_pages()
    assert len(pages) >= 40
    assert {p.language for p in pages} == {"en", "ja"}
    assert sum(1 for p in pages if p.language == "ja") >= 12
    marked = [kind for p in pages for kind, _ in p.expected]
    for kind in GOALS:
        assert marked.count(kind) >= 3, kind


@pytest.mark.parametrize("kind", sorted(GOALS))
def test_precision_and_recall_reach_the_goal(scores: dict[str, KindScore], kind: str) -> None:
    s = scores[kind]
    assert s.precision >= GOALS[kind], s
    assert s.recall >= GOALS[kind], s
