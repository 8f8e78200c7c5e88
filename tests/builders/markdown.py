"""What a person reads of Markdown the dashboard wrote: AppTest hands tests the source, in
which untrusted text is escaped (surveillance/untrusted.py)."""

from __future__ import annotations

import re

__all__ = ["as_read"]

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(source: str) -> str:
    """``source`` with CommonMark's backslash escapes taken out."""
    return _ESCAPED.sub(r"\1", source)
