"""Coastwatch core: settings, domain model, PostGIS store, reference geography and the CLI."""

__all__ = ["__version__"]

__version__ = "0.1.0"
