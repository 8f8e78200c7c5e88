"""A plan stored as its .plan document reads back from the store as the same plan: what the
Missions page and `mission upload` get from `store.mission_plan(id)`."""

from __future__ import annotations

from dataclasses import replace

from drone_ops import qgc_plan
from drone_ops.records import mission_record
from surveillance.store import Store
from tests.builders.mission_files import same_plan, survey_plan


def test_a_stored_plan_document_reads_back_as_the_same_plan(store: Store) -> None:
    plan = replace(survey_plan(), meta={"why": "dark vessel", "mmsi": 431000001})  # no alert
    mission_id = store.store_mission(mission_record(plan, created_by="test"))
    doc = store.mission_plan(mission_id)
    back = qgc_plan.from_document(doc, f"mission {mission_id}")
    same_plan(plan, back)
    assert back.elements[1] == plan.elements[1]
    assert (back.name, back.kind, back.meta) == (plan.name, plan.kind, plan.meta)
