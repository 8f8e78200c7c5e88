"""The alert types: one per rule registered in the ``coastwatch.rules`` entry-point group.

Any package registers a rule by naming its module in that group (``sts_transfer =
"alerts.rules.sts_transfer"``); the core never imports a rule statically. The list of types
is read from the installed metadata alone, so it is cheap (no rule module, pandas or
SQLAlchemy is imported); the modules themselves are loaded only for what they declare
(their settings, colour and version) or run.

A rule module declares ``NAME`` (its entry-point name), ``VERSION`` (stored with each of
its alerts), ``detect(tracks, ctx)``, and optionally ``Settings`` (a pydantic model of its
thresholds) and ``COLOUR`` (``#rrggbb`` on maps and in reports).
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType

from surveillance.errors import ConfigError, InputError

__all__ = [
    "RULES_GROUP",
    "alert_types",
    "rule_modules",
    "colour",
    "check_alert_types",
    "PALETTE",
]

RULES_GROUP = "coastwatch.rules"

#: Colours for types whose rule declares none, picked by a hash of the name (so a type
#: keeps its colour whatever else is installed): matplotlib's tab20, darker half first.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#c7c7c7",
    "#dbdb8d",
    "#9edae5",
)


@cache
def _registered() -> dict[str, str]:
    """Rule name -> module path, by name, from the installed entry points."""
    found: dict[str, str] = {}
    for ep in entry_points(group=RULES_GROUP):
        if found.setdefault(ep.name, ep.value) != ep.value:
            raise ConfigError(
                f"rule {ep.name!r} is registered twice: {found[ep.name]} and {ep.value}"
            )
    return dict(sorted(found.items()))


def alert_types() -> tuple[str, ...]:
    """The names of the registered rules, sorted: the alert types there can be."""
    return tuple(_registered())


@cache
def rule_modules() -> dict[str, ModuleType]:
    """The registered rule modules by name, imported; each must declare its own ``NAME``."""
    modules: dict[str, ModuleType] = {}
    for name, path in _registered().items():
        try:
            module = importlib.import_module(path)
        except ImportError as exc:
            raise ConfigError(f"rule {name!r}: cannot import {path}: {exc}") from exc
        declared = getattr(module, "NAME", None)
        if declared != name:
            raise ConfigError(
                f"rule module {path} declares NAME {declared!r} but is registered as {name!r}"
            )
        modules[name] = module
    return modules


def colour(alert_type: str) -> str:
    """The colour of a type: its rule's ``COLOUR``, else one from :data:`PALETTE`."""
    module = rule_modules().get(alert_type)
    declared = getattr(module, "COLOUR", None)
    if isinstance(declared, str):
        return declared
    return PALETTE[zlib.crc32(alert_type.encode()) % len(PALETTE)]


def check_alert_types(types: Iterable[str]) -> None:
    """Raise InputError unless every type is that of a registered rule."""
    known = alert_types()
    unknown = [t for t in dict.fromkeys(map(str, types)) if t not in known]
    if unknown:
        raise InputError(
            f"not an alert type: {', '.join(unknown)}", hint=f"one of {', '.join(known)}"
        )
