"""The alert lifecycle: which action takes an alert from which status to which."""

import pytest

from surveillance.errors import InputError
from surveillance.lifecycle import ACTIONS, allowed_actions, next_status
from surveillance.models import ALERT_STATUSES

ALLOWED = [
    ("new", "ack", "acknowledged"),
    ("acknowledged", "escalate", "escalated"),
    ("escalated", "close", "closed"),
    ("new", "close", "closed"),
    ("acknowledged", "close", "closed"),
    ("new", "dismiss", "dismissed"),
    ("acknowledged", "dismiss", "dismissed"),
    ("escalated", "dismiss", "dismissed"),
]
REFUSED = [
    (status, action)
    for status in ALERT_STATUSES
    for action in ACTIONS
    if action != "note" and (status, action) not in {(s, a) for s, a, _ in ALLOWED}
]


@pytest.mark.parametrize(("current", "action", "expected"), ALLOWED)
def test_allowed_transitions(current: str, action: str, expected: str) -> None:
    assert next_status(current, action, note="a reason") == expected


@pytest.mark.parametrize(("current", "action"), REFUSED)
def test_every_other_transition_is_refused(current: str, action: str) -> None:
    with pytest.raises(InputError, match=f"cannot {action} an alert that is {current}"):
        next_status(current, action, note="a reason")


def test_the_refusal_names_the_actions_allowed() -> None:
    with pytest.raises(InputError) as refused:
        next_status("new", "escalate")
    assert refused.value.hint == "an alert that is new accepts: ack, dismiss, close, note"


def test_closed_and_dismissed_alerts_only_take_notes() -> None:
    assert allowed_actions("closed") == ("note",)
    assert allowed_actions("dismissed") == ("note",)


@pytest.mark.parametrize("status", ALERT_STATUSES)
def test_a_note_changes_no_status(status: str) -> None:
    assert next_status(status, "note", note="called the harbour master") == status


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_dismissing_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(InputError, match="dismiss needs a reason"):
        next_status("new", "dismiss", note=reason)


def test_an_empty_note_is_refused() -> None:
    with pytest.raises(InputError, match="note needs some text"):
        next_status("new", "note", note=" ")


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(InputError, match="unknown action") as refused:
        next_status("new", "approve")
    assert refused.value.hint == "actions: ack, escalate, dismiss, close, note"
