"""Where the team's shared real AIS captures are: ``$COASTWATCH_SHARED_DATA/<corpus>``, or
``shared/data/<corpus>`` beside the repository (or beside the folder of worktrees it is in).
They are read from there, never copied into the repository. Without them the tests that
read them skip locally, but fail under CI: they never skip silently there."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

__all__ = ["shared_data", "without_data"]

_REPOSITORY = Path(__file__).resolve().parents[2]
#: read when the tests are collected: the session later clears ``COASTWATCH_*`` variables
_FROM_ENVIRONMENT = os.environ.get("COASTWATCH_SHARED_DATA")


def shared_data(corpus: str) -> Path:
    """The folder of one corpus (the path where it would be, when there is none)."""
    if _FROM_ENVIRONMENT:
        return Path(_FROM_ENVIRONMENT) / corpus
    for folder in _REPOSITORY.parents:
        candidate = folder / "shared" / "data" / corpus
        if candidate.is_dir():
            return candidate
    return _REPOSITORY.parent / "shared" / "data" / corpus


def without_data(path: Path) -> NoReturn:
    """Skip a test whose real data is missing (fail under CI, where it must be there)."""
    message = f"real capture not found at {path} (set COASTWATCH_SHARED_DATA)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)
