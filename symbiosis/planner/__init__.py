"""The matchmaking-evening meeting planner: pure Python, no Flask, no ORM.

``scoring`` rates every pair of participants (what one offers against what
the other seeks, SDG and theme overlap) and says why; ``solver`` builds the
rounds; ``rules`` validates a plan and applies the facilitator's swaps, moves
and locks; ``fileio`` reads and writes the JSON of ``flask events plan``.
"""

from __future__ import annotations

from symbiosis.matching.lexicon import Lexicon
from symbiosis.planner.model import Event, Plan
from symbiosis.planner.scoring import Scorer
from symbiosis.planner.solver import DEFAULT_BUDGET, plan


def make_plan(
    event: Event, materials: Lexicon | None = None, budget: float = DEFAULT_BUDGET
) -> tuple[Plan, Scorer]:
    """Score the event's pairs and plan its rounds; the scorer explains pairs."""
    scorer = Scorer(event.participants, materials)
    return plan(event, scorer.matrix(), budget), scorer
