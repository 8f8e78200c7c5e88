"""``coastwatch config``: the settings in force."""

from __future__ import annotations

import click

from surveillance.cli.app import AppContext, out, pass_app

__all__ = ["config"]


@click.command()
@pass_app
def config(app: AppContext) -> None:
    """Print the settings in force (secrets masked)."""
    from rich.table import Table

    table = Table("setting", "value", "environment variable", box=None)
    for name, value in app.settings.describe().items():
        table.add_row(name, value, f"COASTWATCH_{name.upper().replace('.', '__')}")
    out.print(table)
