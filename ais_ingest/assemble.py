"""Reassembly of multi-sentence AIS messages from their fragments.

Fragments are matched by (fragment count, sequential message id, channel), so messages
interleaved on a feed come apart cleanly. A group that is broken — a fragment missing, one
out of order, or a new first fragment under the same key before the group completed — is
handed back as *loose*: its fragments may still pair up with those at the edge of a
neighbouring chunk; what stays unpaired at the very end is a lost fragment.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = ["Fragment", "Reassembler"]


@dataclass(frozen=True)
class Fragment:
    """One sentence of a multi-sentence message, with its place in the input."""

    order: int  # position in the input, to keep the global order across chunks
    count: int
    number: int
    seq: int
    channel: int
    ts: float
    station: str | None  # the receiving station, when the line names it
    sentence: bytes
    raw: bytes  # the whole input line, for quarantine


@dataclass
class Reassembler:
    """Feed fragments in input order; complete messages come out, broken ones go loose."""

    open_groups: dict[tuple[int, int, int], list[Fragment]] = field(default_factory=dict)
    loose: list[Fragment] = field(default_factory=list)

    def feed(self, fragments: Iterable[Fragment]) -> Iterator[list[Fragment]]:
        for fragment in fragments:
            key = (fragment.count, fragment.seq, fragment.channel)
            group = self.open_groups.get(key)
            if fragment.number == 1:
                if group is not None:
                    self.loose.extend(group)
                self.open_groups[key] = [fragment]
            elif group is not None and len(group) + 1 == fragment.number:
                group.append(fragment)
            else:
                if group is not None:
                    self.loose.extend(self.open_groups.pop(key))
                self.loose.append(fragment)
                continue
            group = self.open_groups[key]
            if len(group) == fragment.count:
                del self.open_groups[key]
                yield group

    def drain(self) -> list[Fragment]:
        """All fragments not in a complete message (loose and still open), in input order."""
        left = self.loose + [f for group in self.open_groups.values() for f in group]
        self.loose, self.open_groups = [], {}
        return sorted(left, key=lambda f: f.order)
