"""One tooltip for every map: the markup is in the template, and every pickable object
carries the same plain-text fields, which Streamlit's deck.gl HTML-escapes as it fills them
in (since Streamlit 1.67, pinned in pyproject.toml), once: escaping them here as well would
show ``&lt;`` to the user.

Names come from AIS, so a vessel called ``<img src=x onerror=alert(1)>`` must show as
those characters: never build markup into the fields (tests/integration/
test_untrusted_text_browser.py hovers such names in the browser). deck.gl leaves ``{field}`` as it
is when an object lacks the field, hence every object has them all (empty when unused;
an empty line takes no room).

>>> fields("SEA STAR", "MMSI 431000001")["line2"]
''
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FIELDS", "TOOLTIP", "fields"]

#: The plain-text fields of every pickable object: a title, up to three lines, a warning.
FIELDS = ("title", "line1", "line2", "line3", "warning")

TOOLTIP: dict[str, Any] = {
    "html": (
        "<div style='font-weight:bold'>{title}</div><div>{line1}</div><div>{line2}</div>"
        "<div>{line3}</div><div style='color:#ff5050;font-weight:bold'>{warning}</div>"
    ),
    "style": {"backgroundColor": "#1d2530", "color": "white", "fontSize": "12px"},
}

#: One object's text, or a Series of texts (one per row of a frame).
Text: TypeAlias = "str | pd.Series[str]"


def fields(
    title: Text, line1: Text = "", line2: Text = "", line3: Text = "", *, warning: Text = ""
) -> dict[str, Text]:
    """The tooltip fields of one object (strings) or of a frame's rows (Series), to spread
    into a record or into ``DataFrame.assign``."""
    return dict(zip(FIELDS, (title, line1, line2, line3, warning), strict=True))
