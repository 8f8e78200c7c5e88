"""The spiders: one generic spider driven by a source's configuration."""
