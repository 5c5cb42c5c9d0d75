"""What the meeting planner reads and writes: plain values, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("company", "association")
PAIR_RULES = ("mixed", "any")  # mixed: only company ↔ association


class PlanError(ValueError):
    """Bad planner input or a refused edit; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Participant:
    """One organisation at the evening and what it brings and looks for."""

    id: str
    kind: str  # company | association
    sdgs: tuple[int, ...] = ()
    themes: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """Participants ``a`` and ``b`` at ``table`` in ``round`` (both from 1)."""

    round: int
    table: int
    a: str
    b: str
    score: float = 0.0

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


@dataclass
class Event:
    """The planning problem: who comes, how many rounds and tables, the rules."""

    rounds: int
    tables: int
    participants: list[Participant]
    pairs: str = "mixed"
    locked: list[Meeting] = field(default_factory=list)
    excluded: set[frozenset[str]] = field(default_factory=set)

    def by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def allows(self, a: Participant, b: Participant) -> bool:
        """May ``a`` and ``b`` meet at all (pair rule and exclusions)?"""
        if a.id == b.id or frozenset((a.id, b.id)) in self.excluded:
            return False
        return self.pairs == "any" or a.kind != b.kind


@dataclass
class Plan:
    """Meetings by round: ``rounds[r - 1]`` holds round ``r``'s meetings."""

    rounds: list[list[Meeting]]

    def meetings(self) -> list[Meeting]:
        return [m for meetings in self.rounds for m in meetings]

    def counts(self) -> dict[str, int]:
        """Meetings per participant (participants with none are absent)."""
        counts: dict[str, int] = {}
        for m in self.meetings():
            counts[m.a] = counts.get(m.a, 0) + 1
            counts[m.b] = counts.get(m.b, 0) + 1
        return counts

    def total(self) -> float:
        return sum(m.score for m in self.meetings())

    def as_json(self) -> dict[str, Any]:
        """``{"rounds": [[{"table", "a", "b", "score"}, ...], ...]}``."""
        return {
            "rounds": [
                [
                    {"table": m.table, "a": m.a, "b": m.b, "score": round(m.score, 1)}
                    for m in sorted(meetings, key=lambda m: m.table)
                ]
                for meetings in self.rounds
            ]
        }


@dataclass
class Reason:
    """Why a pair meets; ``code`` picks the sentence (see ``explain.SENTENCES``)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
