"""`ingest drone --name SYSID=NAME`: what it accepts and what it refuses."""

from __future__ import annotations

import click
import pytest

from drone_ops.telemetry.cli import parse_names


def test_names_map_system_ids_to_drone_ids() -> None:
    assert parse_names(("1=alpha", " 2 = bravo one ")) == {1: "alpha", 2: "bravo one"}


@pytest.mark.parametrize("given", ["alpha", "0=zero", "256=big", "x=alpha", "3="])
def test_a_name_without_a_system_id_of_1_to_255_is_refused(given: str) -> None:
    with pytest.raises(click.BadParameter, match="SYSID=NAME"):
        parse_names((given,))
