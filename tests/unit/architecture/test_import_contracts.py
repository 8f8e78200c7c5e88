"""The architecture as import-linter contracts: the repository keeps them, and the cycle
contract finds what it should."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from scripts.importcycles import _cycles

ROOT = Path(__file__).resolve().parents[3]


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_a_chain_is_no_cycle() -> None:
    graph = _graph(("pkg.a", "pkg.b"), ("pkg.b", "pkg.c"))
    assert _cycles(graph, graph.modules) == []


def test_a_package_init_and_its_child_importing_each_other_are_a_cycle() -> None:
    graph = _graph(("pkg", "pkg.child"), ("pkg.child", "pkg"), ("pkg.child", "pkg.other"))
    assert _cycles(graph, graph.modules) == [["pkg", "pkg.child"]]


def test_each_strongly_connected_group_is_reported_once() -> None:
    graph = _graph(
        ("p.a", "p.b"),
        ("p.b", "p.c"),
        ("p.c", "p.a"),
        ("p.x", "p.y"),
        ("p.y", "p.x"),
        ("p.c", "p.x"),
    )
    assert sorted(_cycles(graph, graph.modules)) == [["p.a", "p.b", "p.c"], ["p.x", "p.y"]]


def test_the_repository_keeps_its_import_contracts() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[dev]'")
    result = subprocess.run(
        [linter, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
