"""Two analysts acting on one alert at the same moment, each on a connection of its own
under the intel role: exactly one status change wins, the other is told the alert changed
(by whom, when) and nothing of it is written; notes never conflict; nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from surveillance.errors import AlertChanged
from surveillance.store import Store
from tests.builders.alerts import insert_alert

ROUNDS = 6


@dataclass
class Outcome:
    """What one analyst's action came to: the new status, or the refusal."""

    actor: str
    action: str
    status: str | None = None
    refused: AlertChanged | None = None


@pytest.fixture
def desks(store: Store) -> Iterator[tuple[Store, Store]]:
    """Two intel desks, each with its own engine (its own connections) to the store."""
    first, second = store.as_role("intel"), store.as_role("intel")
    yield first, second
    first.close()
    second.close()


def _at_once(*moves: Callable[[], Outcome]) -> list[Outcome]:
    """Run each move in a thread of its own, released together by a barrier."""
    barrier = threading.Barrier(len(moves))
    outcomes: list[Outcome | BaseException] = [RuntimeError("did not run")] * len(moves)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = moves[index]()
        except BaseException as error:  # handed back to the test below, not swallowed
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(moves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes  # type: ignore[return-value]


def _move(
    desk: Store, alert_id: str, action: str, actor: str, note: str | None = None
) -> Callable[[], Outcome]:
    def move() -> Outcome:
        try:
            status = desk.act_on_alert(alert_id, action, actor, note, seen="new")
        except AlertChanged as refused:
            return Outcome(actor, action, refused=refused)
        return Outcome(actor, action, status=status)

    return move


def test_of_two_status_changes_at_once_one_wins_and_the_other_is_told(
    store: Store, desks: tuple[Store, Store]
) -> None:
    first, second = desks
    for n in range(ROUNDS):
        alert_id = insert_alert(store, id=f"sts-race-{n:04d}")
        outcomes = _at_once(
            _move(first, alert_id, "ack", "mona"),
            _move(second, alert_id, "dismiss", "ines", "a fishing pair, known"),
        )

        (won,) = [o for o in outcomes if o.status is not None]
        (lost,) = [o for o in outcomes if o.refused is not None]
        assert store.alert(alert_id)["status"] == won.status  # type: ignore[index]
        events = store.alert_events(alert_id)
        assert events[["actor", "action"]].values.tolist() == [[won.actor, won.action]]
        message = str(lost.refused)
        assert message.startswith("the alert changed since you opened it: ")
        assert f"{won.status} by {won.actor} at " in message and message.endswith("look again")
        assert lost.refused is not None and lost.refused.hint is not None
        assert f"your {lost.action} was not recorded" in lost.refused.hint
        audit = store.audit_rows()
        assert audit[audit["subject"] == alert_id]["action"].tolist() == [f"alert.{won.action}"]


def test_a_note_lands_whatever_the_status_changed_to(
    store: Store, desks: tuple[Store, Store]
) -> None:
    first, second = desks
    alert_id = insert_alert(store)
    outcomes = _at_once(
        _move(first, alert_id, "close", "ivan"),
        _move(second, alert_id, "note", "ines", "the bunker is known to us"),
    )

    assert [o.refused for o in outcomes] == [None, None]
    events = store.alert_events(alert_id).sort_values("action")
    assert events[["actor", "action"]].values.tolist() == [["ivan", "close"], ["ines", "note"]]
    assert events["note"].iloc[1] == "the bunker is known to us"
    assert store.alert(alert_id)["status"] == "closed"  # type: ignore[index]


def test_an_action_on_the_status_seen_goes_through(store: Store) -> None:
    alert_id = insert_alert(store)
    assert store.act_on_alert(alert_id, "ack", "mona", seen="new") == "acknowledged"
    assert store.act_on_alert(alert_id, "escalate", "ines", seen="acknowledged") == "escalated"
    with pytest.raises(AlertChanged, match="escalated by ines at 20"):
        store.act_on_alert(alert_id, "close", "ivan", seen="acknowledged")
    assert store.alert(alert_id)["status"] == "escalated"  # type: ignore[index]
