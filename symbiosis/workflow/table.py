"""What the role-free state tables share (pure): a step, and the steps open.

A table maps (state, action) to the next state; the listing and event
tables use these two functions, with the actions in their display order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

S = TypeVar("S")
A = TypeVar("A")


class TransitionNotAllowed(ValueError):
    """``action`` is not in the table from ``state``; ``allowed``: what is."""

    def __init__(self, state: Any, action: Any, allowed: Iterable[Any] = ()) -> None:
        super().__init__(f"{action} is not possible from {state}")
        self.state = state
        self.action = action
        self.allowed = list(allowed)


def step(table: Mapping[tuple[S, A], S], state: S, action: A, order: Iterable[A]) -> S:
    """The state after ``action``.

    :raises TransitionNotAllowed: when the table has no such transition.
    """
    try:
        return table[(state, action)]
    except KeyError:
        allowed = open_from(table, state, order)
        raise TransitionNotAllowed(state, action, allowed) from None


def open_from(table: Mapping[tuple[S, A], S], state: S, order: Iterable[A]) -> list[A]:
    """The actions of ``order`` that the table allows from ``state``."""
    return [action for action in order if (state, action) in table]
