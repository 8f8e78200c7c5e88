"""Leads in the store: one lead per text, every URL it was read at a sighting, nothing new
when the same pages are written again, and intel alone reads them (sightings too)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from surveillance.errors import AccessDenied, InputError
from surveillance.store import LeadCounts, Store
from tests.builders.leads import lead_record
from tests.builders.users import add_role_users

POST = "IMO 9074729 meets a tanker north of Tsushima tomorrow night"


def _counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (
            conn.execute(text("SELECT count(*) FROM leads")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM lead_sightings")).scalar_one(),
        )


def test_a_text_is_one_lead_seen_at_each_url_and_a_second_write_stores_nothing(
    store: Store,
) -> None:
    first = lead_record(
        "http://forum.example/t/1",
        POST,
        entities=[
            {
                "kind": "imo",
                "value": "9074729",
                "text": "IMO 9074729",
                "start": 0,
                "end": 11,
                "confidence": 0.99,
            }
        ],
        mmsi=[431000001],
        lon=129.3,
        lat=34.7,
        score=40,
        posted=datetime(2026, 11, 30, 21, tzinfo=UTC),
        minhash=b"\x01\x02",
    )
    mirror = lead_record("http://mirror.example/p/9", POST)
    assert store.write_leads([first, mirror]) == LeadCounts(new=1, sightings=1)
    later = lead_record("http://forum.example/t/1", POST, fetched=first.fetched + timedelta(1))
    assert store.write_leads([later, mirror]) == LeadCounts(unchanged=2)
    assert _counts(store) == (1, 2)

    lead = store.leads().iloc[0]
    assert (lead.url, lead.source, lead.sightings, lead.score) == (first.url, "forum", 2, 40)
    assert (lead.lon, lead.lat, lead.mmsi, lead.text) == (129.3, 34.7, [431000001], POST)
    assert lead.entities[0]["value"] == "9074729"
    assert lead.posted == first.posted and lead.last_seen == later.fetched
    assert store.lead_signatures() == [(first.content_hash, b"\x01\x02")]
    assert store.leads(mmsi=431000001).id.tolist() == [lead.id]
    assert store.leads(since=datetime(2026, 12, 1, tzinfo=UTC)).empty
    urls = store.lead_sightings(int(lead.id)).url.tolist()
    assert urls == [first.url, mirror.url]


def test_a_near_duplicate_is_a_sighting_of_its_lead(store: Store) -> None:
    original = lead_record("http://forum.example/t/1", POST)
    store.write_leads([original])
    repost = lead_record(
        "http://other.example/x", POST + " (reposted)", same_as=original.content_hash
    )
    assert store.write_leads([repost]) == LeadCounts(sightings=1)
    sightings = store.lead_sightings(int(store.leads().id.iloc[0]))
    assert sightings.near.tolist() == [False, True]
    with pytest.raises(InputError, match="no lead with the hash"):
        store.write_leads([lead_record("http://x.example/", "x", same_as="0" * 64)])


def test_times_without_a_zone_are_refused(store: Store) -> None:
    with pytest.raises(InputError, match="time zone"):
        store.write_leads([lead_record(fetched=datetime(2026, 1, 1))])


def test_only_intel_reads_leads_and_their_sightings(store: Store) -> None:
    store.write_leads([lead_record("http://forum.example/t/1", POST)])
    add_role_users(store)
    with store.as_role("intel") as intel:
        lead_id = int(intel.leads().id.iloc[0])
        assert len(intel.lead_sightings(lead_id)) == 1
    for role in ("monitor", "drone_operator", "analyst", "admin"):
        with store.as_role(role) as other, pytest.raises(AccessDenied):
            other.lead_sightings(lead_id)
