"""``coastwatch dashboard``."""

import click

from surveillance.pending import pending

__all__ = ["dashboard"]

dashboard = pending(
    "dashboard",
    "the dashboard issue (#5)",
    "Start the Streamlit dashboard.",
    [
        click.Option(["--host"], default="127.0.0.1", show_default=True),
        click.Option(["--port"], type=int, default=8501, show_default=True),
    ],
)
