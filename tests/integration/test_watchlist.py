"""The watchlist: `coastwatch watchlist add|remove|list|import` and the store behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from surveillance.errors import InputError
from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.users import add_user


@pytest.fixture
def anna(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """An intelligence officer at the CLI (the role that keeps the watchlist)."""
    return as_user(coastwatch, add_user(store, "anna", "intel").username)


def entries(store: Store) -> list[tuple[str, str, str | None]]:
    frame = store.watchlist()
    return [
        (kind, value, None if pd.isna(note) else note)
        for kind, value, note in frame[["kind", "value", "note"]].itertuples(index=False)
    ]


def csv_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "watch.csv"
    path.write_text(text)
    return str(path)


def test_add_stores_the_normalised_value(store: Store, anna: Coastwatch) -> None:
    ran = anna("watchlist", "add", "--name", "  sea   breeze ", "--note", "tip from customs")

    assert ran.code == 0, ran.stderr
    assert "name SEA BREEZE is on the watchlist" in ran.stderr
    assert entries(store) == [("name", "SEA BREEZE", "tip from customs")]


def test_add_records_who_added(store: Store, anna: Coastwatch) -> None:
    anna("watchlist", "add", "--mmsi", "431000001")
    assert list(store.watchlist()["added_by"]) == ["anna"]


def test_adding_again_keeps_one_entry_with_the_new_note(store: Store, anna: Coastwatch) -> None:
    anna("watchlist", "add", "--imo", "9074729", "--note", "old tip")
    anna("watchlist", "add", "--imo", "IMO 9074729", "--note", "new tip")

    assert entries(store) == [("imo", "9074729", "new tip")]


def test_a_bad_value_is_refused_and_named(store: Store, anna: Coastwatch) -> None:
    ran = anna("watchlist", "add", "--imo", "9074728")

    assert ran.code == 2
    assert "not an IMO number (wrong check digit): '9074728'" in ran.stderr
    assert entries(store) == []


def test_add_wants_exactly_one_selector(anna: Coastwatch) -> None:
    ran = anna("watchlist", "add", "--mmsi", "431000001", "--name", "SEA BREEZE")

    assert ran.code == 2
    assert "give one of --mmsi, --imo, --callsign or --name" in ran.stderr


def test_remove_takes_the_entry_off(store: Store, anna: Coastwatch) -> None:
    anna("watchlist", "add", "--callsign", "D5AB1")
    anna("watchlist", "add", "--mmsi", "431000001")

    ran = anna("watchlist", "remove", "--callsign", "d5ab1")

    assert ran.code == 0, ran.stderr
    assert entries(store) == [("mmsi", "431000001", None)]


def test_removing_what_is_not_there_is_refused(anna: Coastwatch) -> None:
    ran = anna("watchlist", "remove", "--mmsi", "431000001")

    assert ran.code == 2
    assert "mmsi 431000001 is not on the watchlist" in ran.stderr


def test_list_json(store: Store, coastwatch: Coastwatch, anna: Coastwatch) -> None:
    ben = as_user(coastwatch, add_user(store, "ben", "intel").username)
    anna("watchlist", "add", "--mmsi", "431000001", "--note", "tanker")
    ben("watchlist", "add", "--name", "Sea Breeze")

    ran = anna("watchlist", "list", "--format", "json")

    listed = json.loads(ran.stdout)
    assert [{k: e[k] for k in ("kind", "value", "note", "added_by")} for e in listed] == [
        {"kind": "mmsi", "value": "431000001", "note": "tanker", "added_by": "anna"},
        {"kind": "name", "value": "SEA BREEZE", "note": None, "added_by": "ben"},
    ]
    assert all(e["added_at"].endswith("Z") for e in listed)


def test_list_table(anna: Coastwatch) -> None:
    anna("watchlist", "add", "--mmsi", "431000001", "--note", "tanker")

    ran = anna("watchlist", "list")

    row = next(line for line in ran.stdout.splitlines() if "431000001" in line)
    assert row.split()[:4] == ["│", "mmsi", "│", "431000001"]
    assert "tanker" in row and "anna" in row


def test_import_long_form(store: Store, anna: Coastwatch, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "kind,value,note\nmmsi,431000001,tanker\nIMO,9074729,\ncallsign,d5ab1,from a lead\n",
    )

    ran = anna("watchlist", "import", path)

    assert ran.code == 0, ran.stderr
    assert entries(store) == [
        ("callsign", "D5AB1", "from a lead"),
        ("imo", "9074729", None),
        ("mmsi", "431000001", "tanker"),
    ]


def test_import_one_column_per_kind(store: Store, anna: Coastwatch, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "MMSI,name\n431000001,\n,sea breeze\n431000002,Ocean Star\n")

    ran = anna("watchlist", "import", path)

    assert ran.code == 0, ran.stderr
    assert entries(store) == [
        ("mmsi", "431000001", None),
        ("mmsi", "431000002", None),
        ("name", "OCEAN STAR", None),
        ("name", "SEA BREEZE", None),
    ]


def test_import_reports_bad_rows_and_keeps_the_good(
    store: Store, anna: Coastwatch, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "kind,value,note\nmmsi,431000001,\nmmsi,4310001,typo\nflag,PA,\nname,SEA BREEZE,\n",
    )

    ran = anna("watchlist", "import", path)

    assert ran.code == 2
    assert f"{path}:3: not an MMSI (9 digits): '4310001'" in ran.stderr
    assert f"{path}:4: not a watchlist kind: 'flag'" in ran.stderr
    assert "2 bad rows" in ran.stderr
    assert entries(store) == [("mmsi", "431000001", None), ("name", "SEA BREEZE", None)]


def test_importing_twice_adds_nothing(store: Store, anna: Coastwatch, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "mmsi\n431000001\n431000002\n")
    anna("watchlist", "import", path)

    ran = anna("watchlist", "import", path)

    assert "2 entries read" in ran.stderr and "0 new or changed" in ran.stderr
    assert len(entries(store)) == 2


def test_import_refuses_a_file_without_watchlist_columns(anna: Coastwatch, tmp_path: Path) -> None:
    ran = anna("watchlist", "import", csv_file(tmp_path, "vessel,flag\nX,PA\n"))

    assert ran.code == 2
    assert "no watchlist columns in the header 'vessel,flag'" in ran.stderr


def test_store_add_counts_what_it_added_or_changed(store: Store) -> None:
    first = pd.DataFrame({"kind": ["mmsi", "name"], "value": ["431000001", "Sea Breeze"]})
    again = pd.DataFrame(
        {"kind": ["mmsi", "name"], "value": ["431000001", "SEA  BREEZE"], "note": [None, "tip"]}
    )

    assert store.add_watchlist(first, "anna") == 2
    assert store.add_watchlist(first, "anna") == 0
    assert store.add_watchlist(again, "anna") == 1
    assert entries(store) == [("mmsi", "431000001", None), ("name", "SEA BREEZE", "tip")]


def test_store_keeps_the_note_when_re_added_without_one(store: Store) -> None:
    store.add_watchlist(
        pd.DataFrame({"kind": ["mmsi"], "value": ["431000001"], "note": ["x"]}), "a"
    )
    store.add_watchlist(pd.DataFrame({"kind": ["mmsi"], "value": ["431000001"]}), "b")

    assert entries(store) == [("mmsi", "431000001", "x")]


def test_store_refuses_a_bad_value(store: Store) -> None:
    with pytest.raises(InputError, match="not an MMSI"):
        store.add_watchlist(pd.DataFrame({"kind": ["mmsi"], "value": ["12345"]}), "anna")


def test_store_remove_says_whether_it_removed(store: Store) -> None:
    store.add_watchlist(pd.DataFrame({"kind": ["name"], "value": ["SEA BREEZE"]}), "anna")

    assert store.remove_watchlist("name", "sea breeze", "ana") is True
    assert store.remove_watchlist("name", "sea breeze", "ana") is False
