"""An import-linter contract: no module imports a module that imports it, however indirectly.

import-linter's ``acyclic_siblings`` squashes packages and so misses a package's
``__init__`` importing a child that imports the package back; this contract looks at modules
one by one (imports inside functions included, ``TYPE_CHECKING`` ones excluded as the
``[tool.importlinter]`` settings say) and reports every strongly connected group with one
import chain around it. ``make lint`` runs it with the others (``lint-imports``).
"""

from __future__ import annotations

from collections.abc import Iterable

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _cycles(graph: grimp.ImportGraph, modules: Iterable[str]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iterative)."""
    wanted = set(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(wanted):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & wanted)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                imported = graph.find_modules_directly_imported_by(child) & wanted
                work.append((child, iter(sorted(imported))))
            elif child in on_stack:
                low[module] = min(low[module], index[child])
    return groups


class ModuleCyclesContract(Contract):
    """``type = "scripts.importcycles.ModuleCyclesContract"`` with ``packages = [...]``."""

    type_name = "module_cycles"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        modules = {
            module
            for package in self.packages  # type: ignore[attr-defined]
            for module in {package, *graph.find_descendants(package)}
        }
        chains = []
        for group in _cycles(graph, modules):
            first, second = (
                group[0],
                sorted(graph.find_modules_directly_imported_by(group[0]) & set(group))[0],
            )
            back = graph.find_shortest_chain(importer=second, imported=first) or ()
            chains.append([first, *back])
        return ContractCheck(kept=not chains, metadata={"chains": chains})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for chain in check.metadata["chains"]:
            output.print_error(" -> ".join(chain), bold=False)
            output.new_line()
