"""The ``coastwatch`` command line: a root group, the core's commands, and those other
packages plug in through the ``coastwatch.commands`` entry-point group.

One module per command (``db``, ``demo``, ``report``, ``config``, ``ingest``), the root
group in :mod:`~surveillance.cli.root`, what commands share in :mod:`~surveillance.cli.app`.
"""

from surveillance.cli.root import cli, main

__all__ = ["cli", "main"]
