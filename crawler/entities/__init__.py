"""Entities in a text: identifiers, positions, places, times, contacts and payments."""
