"""Commands of the CLI contract whose implementation has not landed yet.

They parse their arguments (so ``--help`` is already useful) and then say plainly that
they are not available, with exit code 3.
"""

from __future__ import annotations

from typing import Any

import click

from surveillance.errors import NotAvailableYet

__all__ = ["PendingCommand", "pending", "pending_group"]


class PendingCommand(click.Command):
    """A command that exists in the contract but not yet in the code."""


def pending(
    path: str, arrives_with: str, help_text: str, params: list[click.Parameter] | None = None
) -> PendingCommand:
    """A placeholder for ``coastwatch <path>`` that names the issue that brings it."""

    def callback(**_: Any) -> None:
        raise NotAvailableYet(
            f"`coastwatch {path}` is not available yet", hint=f"it arrives with {arrives_with}"
        )

    return PendingCommand(
        path.split()[-1],
        callback=callback,
        params=params or [],
        help=f"{help_text}\n\nNot available yet: arrives with {arrives_with}.",
    )


def pending_group(name: str, help_text: str, commands: list[click.Command]) -> click.Group:
    """A group of placeholders, such as ``mission plan|export|upload``."""
    group = click.Group(name, help=help_text)
    for command in commands:
        group.add_command(command)
    return group
