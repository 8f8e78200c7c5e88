"""The labelled set of leads (``tests/data/leads``) and its scoring: precision and recall
per entity kind of a finder against the entities a reader marked."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.entities.base import ENTITY_KINDS, Entity
from crawler.entities.vessels import KnownVessels

__all__ = ["GOALS", "KindScore", "LabelledPage", "labelled_known", "labelled_pages", "score"]

#: Issue #14's goals for precision and recall of extract() on the set, per entity kind.
GOALS = {"mmsi": 0.95, "imo": 0.95, "position": 0.95, "vessel": 0.9, "place": 0.9}

LEADS_DIR = Path(__file__).resolve().parent.parent / "data" / "leads"
#: Two positions within this of each other, in degrees on each axis, are one (a second of
#: arc is 0.0003°: rounding to four places may differ by one in the last).
POSITION_TOLERANCE_DEG = 0.0011


@dataclass(frozen=True)
class LabelledPage:
    """One page of the set and what a reader finds in it."""

    name: str
    language: str
    kind: str
    posted: datetime
    text: str
    expected: tuple[tuple[str, str], ...]
    note: str


@dataclass
class KindScore:
    """Counts of one entity kind over the set."""

    kind: str
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        marked = self.true_positive + self.false_negative
        return self.true_positive / marked if marked else 1.0


def labelled_pages() -> list[LabelledPage]:
    """Every page of the set, by name."""
    pages = []
    for path in sorted((LEADS_DIR / "pages").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        pages.append(
            LabelledPage(
                name=path.stem,
                language=data["language"],
                kind=data["kind"],
                posted=datetime.fromisoformat(data["posted"]),
                text=data["text"],
                expected=tuple((e["kind"], e["value"]) for e in data["expected"]),
                note=data["note"],
            )
        )
    return pages


def labelled_known() -> KnownVessels:
    """The vessels the pages are read against."""
    data = json.loads((LEADS_DIR / "known_vessels.json").read_text(encoding="utf-8"))
    return KnownVessels(data["names"], data["callsigns"], data["imos"], data["watched"])


def _same(kind: str, found: str, marked: str) -> bool:
    if kind != "position":
        return found == marked
    (a, b), (c, d) = (map(float, v.split(",")) for v in (found, marked))
    return abs(a - c) <= POSITION_TOLERANCE_DEG and abs(b - d) <= POSITION_TOLERANCE_DEG


def score(
    pages: Iterable[LabelledPage],
    finder: Callable[[LabelledPage], list[Entity]],
    misses: list[str] | None = None,
) -> dict[str, KindScore]:
    """Precision and recall per kind of ``finder`` over ``pages`` (each distinct value of a
    kind counts once per page); ``misses`` collects what it got wrong, one line each."""
    scores = {kind: KindScore(kind) for kind in ENTITY_KINDS}
    for page in pages:
        found = {(e.kind, e.value) for e in finder(page)}
        marked = set(page.expected)
        for kind in ENTITY_KINDS:
            left = [v for k, v in marked if k == kind]
            for value in sorted({v for k, v in found if k == kind}):
                match = next((m for m in left if _same(kind, value, m)), None)
                if match is None:
                    scores[kind].false_positive += 1
                    if misses is not None:
                        misses.append(f"{page.name}: extra {kind} {value!r}")
                else:
                    left.remove(match)
                    scores[kind].true_positive += 1
            scores[kind].false_negative += len(left)
            if misses is not None:
                misses += [f"{page.name}: missed {kind} {value!r}" for value in left]
    return scores
