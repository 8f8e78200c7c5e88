"""Leads (the ``intel`` role): what crawled pages say, searched and filtered; one lead
(``?lead=<id>``) with its text, the entities marked in it, where it was read, the vessels
it names and the alerts whose evidence lists it.

The text is a web page's: it is escaped segment by segment and drawn with ``st.html``
(no Markdown, so a ``[link](...)`` or ``$math$`` in it stays characters), with only our
own ``<mark>`` around the entities. The sightings' URLs are shown as text, not links: a
click would reach a dark-web site from the officer's own browser, outside Tor and with
the dashboard's address as the referrer.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.data.leads import (
    KIND_COLOURS,
    LeadDetail,
    LeadFilters,
    first_line,
    highlighted,
    lead_detail,
    leads_table,
    mark_styles,
)
from surveillance.store import Store
from surveillance.times import people_utc
from surveillance.untrusted import html_text, markdown_text

_KEY_OPEN = "leads_open"
_KEY_ASKED = "leads_asked"  # the ``?lead=`` last opened
_ALL = "(all)"
_WHEN = "YYYY-MM-DD HH:mm"


def _filters(store: Store) -> LeadFilters:
    sources, kinds = store.lead_facets()
    top = st.columns([4, 2, 2, 2])
    search = top[0].text_input(
        "Text contains", key="leads_search", placeholder="any case: a name, a place, a word"
    )
    source = top[1].selectbox("Source", [_ALL, *sources], key="leads_source")
    kind = top[2].selectbox("Entity kind", [_ALL, *kinds], key="leads_kind")
    value = top[3].text_input("Entity value contains", key="leads_value")
    low = st.columns([2, 2, 4])
    posted_from = low[0].date_input("Posted from (UTC)", value=None, key="leads_from")
    posted_to = low[1].date_input("Posted to (UTC)", value=None, key="leads_to")
    min_score = low[2].slider("Score at least", 0, 100, 0, step=5, key="leads_min_score")
    return LeadFilters(
        search=search,
        source=None if source == _ALL else source,
        entity_kind=None if kind == _ALL else kind,
        entity_value=value,
        posted_from=posted_from if not isinstance(posted_from, tuple) else None,
        posted_to=posted_to if not isinstance(posted_to, tuple) else None,
        min_score=min_score,
    )


def _wanted() -> int | None:
    try:
        return int(st.query_params.get("lead", ""))
    except ValueError:
        return None


def _choose(table: pd.DataFrame) -> int | None:
    """The lead to open: picked below the table, or given by ``?lead=``."""
    labels = {
        int(i): f"#{i} · {people_utc(p)} · {s} · {t}"
        for i, p, s, t in zip(
            table["id"], table["posted"], table["source"], table["title"], strict=True
        )
    }
    wanted = _wanted()
    if wanted is not None and wanted not in labels:
        labels = {wanted: f"#{wanted}", **labels}
    if not labels:
        return None
    if wanted is not None and wanted != st.session_state.get(_KEY_ASKED):
        st.session_state[_KEY_OPEN] = wanted  # a new address opens its lead
        st.session_state[_KEY_ASKED] = wanted
    chosen: int | None = st.selectbox(
        "Open",
        list(labels),
        format_func=labels.__getitem__,
        index=None,
        key=_KEY_OPEN,
        placeholder="pick a lead to read it",
    )
    if chosen is not None and chosen != wanted:
        st.query_params["lead"] = str(chosen)  # the address names what is open
        st.session_state[_KEY_ASKED] = chosen
    return chosen


def _legend(kinds: set[str]) -> str:
    return " ".join(
        f'<mark class="cw-{html_text(k)}">{html_text(k)}</mark>' for k in KIND_COLOURS if k in kinds
    )


def _text(detail: LeadDetail) -> None:
    """The lead's text with its entities marked (escaped; only our marks are markup)."""
    lead = detail.lead
    body, unmarked = highlighted(str(lead["text"] or ""), list(lead["entities"] or []))
    kinds = {str(k) for k in detail.entities["kind"]}
    st.html(
        f"<style>{mark_styles()}\n.cw-lead {{white-space:pre-wrap;line-height:1.6;"
        "max-height:32em;overflow-y:auto;padding:0.6em 0.8em;border:1px solid #ccc;"
        "border-radius:6px;font-size:0.95em}\n.cw-legend {margin-bottom:0.4em;font-size:0.85em}"
        "</style>"
        + '<div class="cw-marks">'
        + (f'<div class="cw-legend">Marked: {_legend(kinds)}</div>' if kinds else "")
        + f'<div class="cw-lead"><div class="cw-lead-text">{body}</div></div></div>'
    )
    if unmarked:
        st.caption(
            f"{unmarked} entit{'ies' if unmarked != 1 else 'y'} not marked (a span that "
            "overlaps another, or is not the text's): see the table below."
        )


def _lead(detail: LeadDetail) -> None:
    lead = detail.lead
    st.subheader(markdown_text(first_line(lead["title"], lead["text"]) or f"Lead {lead['id']}"))
    posted = people_utc(lead["posted"], missing="(no date on the page)")
    st.html(
        f"<div>{html_text(lead['source'])} · score {int(lead['score'])} · posted "
        f"{html_text(posted)} · first read {html_text(people_utc(lead['fetched']))} UTC · "
        f"language {html_text(lead['language'] or '?')} · read at "
        f"<code>{html_text(lead['url'])}</code></div>"
    )
    _text(detail)
    st.markdown("**Vessels it names**")
    if detail.vessels.empty:
        st.caption("It names no vessel the store knows by its MMSI.")
    else:
        st.dataframe(
            detail.vessels,
            hide_index=True,
            key="lead_vessels",
            column_config={"page": st.column_config.LinkColumn("Vessel", display_text="open")},
        )
    st.markdown("**Alerts whose evidence lists it**")
    if detail.alerts.empty:
        st.caption("No alert cites this lead yet.")
    else:
        st.dataframe(
            detail.alerts,
            hide_index=True,
            key="lead_alerts",
            column_config={
                "link": st.column_config.LinkColumn("Alert", display_text=r"alert=(.{8})"),
                "start": st.column_config.DatetimeColumn("Start (UTC)", format="YYYY-MM-DD HH:mm"),
                "end": st.column_config.DatetimeColumn("End (UTC)", format="YYYY-MM-DD HH:mm"),
            },
        )
    st.markdown("**Entities**")
    st.dataframe(detail.entities, hide_index=True, width="stretch", key="lead_entities")
    st.markdown("**Where it was read**")
    st.caption("URLs as text: open a dark-web address only through the crawl's own route.")
    st.dataframe(
        detail.sightings,
        hide_index=True,
        width="stretch",
        key="lead_sightings",
        column_config={
            "url": st.column_config.TextColumn("URL", width="large"),
            "fetched": st.column_config.DatetimeColumn("First read (UTC)", format=_WHEN),
            "last_seen": st.column_config.DatetimeColumn("Last seen (UTC)", format=_WHEN),
            "posted": st.column_config.DatetimeColumn("Posted (UTC)", format=_WHEN),
            "near": st.column_config.CheckboxColumn("Near-duplicate"),
        },
    )


def render() -> None:
    current = state.view()
    st.header("Leads")
    filters = _filters(current.store)
    table = leads_table(current.store, filters)
    st.caption(
        f"{len(table)} lead{'s' * (len(table) != 1)}"
        + (f" (the first {filters.limit})" if len(table) >= filters.limit else "")
        + ", newest first. Pick one below to read it with its entities marked."
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="leads_table",
        column_config={
            "posted": st.column_config.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%d"
            ),
            "title": st.column_config.TextColumn("Title or first line", width="large"),
            "id": st.column_config.NumberColumn("Lead", format="%d"),
        },
    )
    chosen = _choose(table)
    if chosen is None:
        return
    detail = lead_detail(current.store, chosen)
    if detail is None:
        st.warning(f"No lead {chosen}.")
        return
    _lead(detail)


if __name__ == "__main__":
    render()
