"""Where the team's shared real AIS captures are: ``shared/data/<corpus>`` beside the
repository (or beside the folder of worktrees it is in). They are read from there, never
copied into the repository."""

from __future__ import annotations

from pathlib import Path

__all__ = ["shared_data"]

_REPOSITORY = Path(__file__).resolve().parents[2]


def shared_data(corpus: str) -> Path:
    """``shared/data/<corpus>`` in the nearest folder above the repository that has it
    (the path where it would be, when none has)."""
    for folder in _REPOSITORY.parents:
        candidate = folder / "shared" / "data" / corpus
        if candidate.is_dir():
            return candidate
    return _REPOSITORY.parent / "shared" / "data" / corpus
