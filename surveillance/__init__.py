"""Coastwatch core: settings, domain model, PostGIS store, reference geography and the CLI."""
