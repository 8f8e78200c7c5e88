"""``python -m surveillance`` runs the ``coastwatch`` command line."""

from surveillance.cli.root import main

main()
