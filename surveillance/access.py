"""Who may do what: the roles, the abilities each holds, and the PostgreSQL role behind each.

One table answers for the CLI, the dashboard and the database grants of migration 0011: a
command or a page asks :func:`require` (or :func:`can`) for an ability, and the store runs
the user's queries under the role's PostgreSQL role (``coastwatch_<role>``), whose grants and
row-level policies give it the same and no more. Light on purpose (no SQLAlchemy).

>>> can("monitor", "alerts.ack"), can("monitor", "alerts.dismiss")
(True, False)
"""

from __future__ import annotations

from surveillance.errors import AccessDenied
from surveillance.vocabulary import USER_ROLES

__all__ = [
    "ABILITIES",
    "ROLES",
    "action_ability",
    "can",
    "group_role",
    "require",
    "roles_with",
]

ROLES = USER_ROLES

_ALL_BUT_ADMIN = frozenset({"monitor", "intel", "drone_operator", "analyst"})

#: Each ability and the roles that hold it.
ABILITIES: dict[str, frozenset[str]] = {
    # the picture: the map, vessels and their tracks, alerts as a list and a page
    "map": _ALL_BUT_ADMIN,
    "alerts.read": _ALL_BUT_ADMIN,
    # triage: the monitor acknowledges and notes; the intelligence officer decides
    "alerts.ack": frozenset({"monitor", "intel"}),
    "alerts.note": frozenset({"monitor", "intel"}),
    "alerts.escalate": frozenset({"intel"}),
    "alerts.dismiss": frozenset({"intel"}),
    "alerts.close": frozenset({"intel"}),
    "leads": frozenset({"intel"}),
    "watchlist.edit": frozenset({"intel"}),
    # drones: plan, upload, follow, report a sighting
    "missions": frozenset({"drone_operator"}),
    "missions.read": frozenset({"monitor", "intel", "drone_operator"}),
    # reports and exports
    "reports": frozenset({"analyst"}),
    # the house: users, sources (ingest, rules, the Sources page), settings, the audit log
    "users": frozenset({"admin"}),
    "sources": frozenset({"admin"}),
    "settings": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
}

_WHAT = {
    "map": "see the map",
    "alerts.read": "read alerts",
    "alerts.ack": "acknowledge alerts",
    "alerts.note": "add notes to alerts",
    "alerts.escalate": "escalate alerts",
    "alerts.dismiss": "dismiss alerts",
    "alerts.close": "close alerts",
    "leads": "read leads",
    "watchlist.edit": "change the watchlist",
    "missions": "plan and fly drone missions",
    "missions.read": "see drone missions",
    "reports": "make reports and exports",
    "users": "manage users",
    "sources": "manage sources and run ingest and the rules",
    "settings": "change settings",
    "audit": "read the audit log",
}


def can(role: str, ability: str) -> bool:
    """Whether ``role`` holds ``ability`` (an unknown ability is a programming error)."""
    return role in ABILITIES[ability]


def roles_with(ability: str) -> tuple[str, ...]:
    """The roles that hold ``ability``, in the order of :data:`ROLES`."""
    return tuple(r for r in ROLES if r in ABILITIES[ability])


def require(username: str, role: str, ability: str) -> None:
    """Raise :class:`AccessDenied` (exit 6) unless ``role`` holds ``ability``: one line that
    names the user, the role and the roles that may."""
    if not can(role, ability):
        raise AccessDenied(
            f"{username} ({role}) may not {_WHAT[ability]}: "
            f"that needs the role {' or '.join(roles_with(ability))}"
        )


def action_ability(action: str) -> str:
    """The ability an alert action (:data:`surveillance.lifecycle.ACTIONS`) needs."""
    return {"ack": "alerts.ack"}.get(action, f"alerts.{action}")


def group_role(role: str) -> str:
    """The PostgreSQL role whose grants are those of ``role``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return f"coastwatch_{role}"
