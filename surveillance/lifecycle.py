"""The alert lifecycle: which analyst action takes an alert from which status to which.

new -> acknowledged -> escalated -> closed; an open alert (new, acknowledged, escalated) may
also be closed at once, or dismissed with a reason; a note changes no status. Pure: the
store applies the result together with its audit row in ``alert_events``.

>>> next_status("new", "ack")
'acknowledged'
"""

from __future__ import annotations

from surveillance.errors import InputError

__all__ = ["ACTIONS", "OPEN_STATUSES", "allowed_actions", "next_status"]

#: What an analyst can do to an alert, in the order the CLI offers them.
ACTIONS = ("ack", "escalate", "dismiss", "close", "note")
OPEN_STATUSES = ("new", "acknowledged", "escalated")

_TRANSITIONS: dict[str, dict[str, str]] = {
    "ack": {"new": "acknowledged"},
    "escalate": {"acknowledged": "escalated"},
    "dismiss": dict.fromkeys(OPEN_STATUSES, "dismissed"),
    "close": dict.fromkeys(OPEN_STATUSES, "closed"),
}


def allowed_actions(status: str) -> tuple[str, ...]:
    """The actions an alert in ``status`` accepts (a note is always accepted)."""
    return tuple(a for a in ACTIONS if a == "note" or status in _TRANSITIONS[a])


def next_status(current: str, action: str, note: str | None = None) -> str:
    """The status after ``action`` on an alert in ``current``; ``note`` is the analyst's
    text (the reason, for a dismissal).

    Raises InputError for an unknown action, a transition the lifecycle does not allow,
    or a dismissal or note without text.
    """
    if action not in ACTIONS:
        raise InputError(
            f"unknown action on an alert: {action!r}", hint=f"actions: {', '.join(ACTIONS)}"
        )
    if action in ("dismiss", "note") and not (note and note.strip()):
        what = "a reason" if action == "dismiss" else "some text"
        raise InputError(f"{action} needs {what}", hint="an empty text is not recorded")
    if action == "note":
        return current
    to_status = _TRANSITIONS[action].get(current)
    if to_status is None:
        raise InputError(
            f"cannot {action} an alert that is {current}",
            hint=f"an alert that is {current} accepts: {', '.join(allowed_actions(current))}",
        )
    return to_status
