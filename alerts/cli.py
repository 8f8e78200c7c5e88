"""``coastwatch detect`` and ``coastwatch alerts``."""

import click

from surveillance.models import ALERT_STATUSES, ALERT_TYPES
from surveillance.pending import pending, pending_group

__all__ = ["detect", "alerts"]

_ISSUE = "the alert rules issue (#4)"

detect = pending(
    "detect",
    _ISSUE,
    "Run the rules over a time window.",
    [
        click.Option(["--since"], help="ISO 8601 UTC"),
        click.Option(["--until"], help="ISO 8601 UTC"),
    ],
)

alerts = pending_group(
    "alerts",
    "List and act on alerts.",
    [
        pending(
            "alerts list",
            _ISSUE,
            "List alerts.",
            [
                click.Option(["--type", "alert_type"], type=click.Choice(ALERT_TYPES)),
                click.Option(["--status"], type=click.Choice(ALERT_STATUSES)),
                click.Option(
                    ["--format", "fmt"],
                    type=click.Choice(["table", "json", "geojson"]),
                    default="table",
                ),
            ],
        )
    ],
)
