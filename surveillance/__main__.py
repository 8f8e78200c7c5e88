"""``python -m surveillance`` runs the ``coastwatch`` command line."""

from surveillance.cli import main

main()
