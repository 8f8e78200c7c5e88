"""The rules, by name: each one module with one entry point, ``detect(tracks, ctx)``.

A rule is one module registered in the ``coastwatch.rules`` entry-point group of its
package's pyproject.toml (``sts_transfer = "alerts.rules.sts_transfer"``); it declares its
``NAME``, ``VERSION``, ``Settings`` and ``COLOUR`` (see :mod:`surveillance.alert_types`),
and the alert types, the settings and the report colours follow from the registry.
A rule may also declare ``wakes(delta, ctx)``: the vessels whose findings new reports may
change, so that ``detect --follow`` runs it over those only (without it, over every vessel
heard). A rule that looks at the whole window rather than at a vessel's neighbourhood
declares ``reads(ctx)``: the vessels whose tracks it needs; a partitioned run (alerts/
partition.py) runs it once per slice over those, instead of once per tile.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.rules.base import AlertRecord, Reads, Rule, RuleContext, Wakes
from surveillance.alert_types import rule_modules
from surveillance.errors import ConfigError

__all__ = ["RegisteredRule", "registered_rules", "AlertRecord", "RuleContext"]


@dataclass(frozen=True)
class RegisteredRule:
    """A rule as the engine runs it: its name, the version stored with its alerts, its entry."""

    name: str
    version: str
    detect: Rule
    wakes: Wakes | None = None
    reads: Reads | None = None


def registered_rules() -> dict[str, RegisteredRule]:
    """Every registered rule by name; a module without ``VERSION`` or ``detect`` is an error."""
    rules = {}
    for name, module in rule_modules().items():
        version, detect = getattr(module, "VERSION", None), getattr(module, "detect", None)
        if not isinstance(version, str) or not callable(detect):
            raise ConfigError(
                f"rule module {module.__name__} must declare VERSION (a string) "
                "and detect(tracks, ctx)"
            )
        wakes, reads = getattr(module, "wakes", None), getattr(module, "reads", None)
        rules[name] = RegisteredRule(
            name,
            version,
            detect,
            wakes if callable(wakes) else None,
            reads if callable(reads) else None,
        )
    return rules
