"""The file interface: an event as JSON in, its plan as JSON out.

In: ``{"rounds": R, "tables": T, "pairs": "mixed" | "any", "participants":
[{"id", "kind": "company" | "association", "sdgs": [..], "themes": [..],
"offers": [text..], "seeks": [text..]}]}``, optionally ``"locked": [{"round",
"table", "a", "b"}]`` and ``"excluded": [[a, b], ...]``. ``pairs`` defaults to
``mixed``; a participant's lists default to empty. Out: ``{"rounds": [[{"table",
"a", "b", "score"}, ...], ...]}``, ids as they were given.
"""

from __future__ import annotations

from typing import Any

from symbiosis.planner.model import (
    KINDS,
    PAIR_RULES,
    Event,
    Meeting,
    Participant,
    PlanError,
)
from symbiosis.planner.scoring import Scorer, sentence

InputError = PlanError  # a bad field of the file: ``field`` names it
MAX_PARTICIPANTS = 2000  # the planner holds n × n matrices
MAX_ROUNDS = 100
MAX_TABLES = 1000
MAX_TEXTS = 50  # offers, seeks, themes or SDGs of one participant


def _whole(
    data: dict[str, Any], name: str, low: int, high: int, where: str = ""
) -> int:
    value = data.get(name)
    field = f"{where}.{name}" if where else name
    if value is None:
        raise InputError(field, "missing")
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise InputError(field, f"must be a whole number from {low} to {high}")
    return value


def _ident(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise InputError(where, "must be a text or a whole number")
    return str(value)


def _texts(entry: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = entry.get(name, [])
    if not isinstance(value, list) or len(value) > MAX_TEXTS:
        raise InputError(f"{where}.{name}", f"must be a list of at most {MAX_TEXTS}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"{where}.{name}", "every item must be a non-empty text")
    return tuple(item.strip() for item in value)


def _participant(entry: Any, where: str) -> Participant:
    if not isinstance(entry, dict):
        raise InputError(where, "must be an object")
    if "id" not in entry:
        raise InputError(f"{where}.id", "missing")
    ident = _ident(entry["id"], f"{where}.id")
    kind = entry.get("kind")
    if kind is None:
        raise InputError(f"{where}.kind", "missing")
    if kind not in KINDS:
        raise InputError(
            f"{where}.kind", f'must be "company" or "association", not {kind!r}'
        )
    sdgs = entry.get("sdgs", [])
    if not isinstance(sdgs, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 17 for s in sdgs
    ):
        raise InputError(
            f"{where}.sdgs", "must be a list of whole numbers from 1 to 17"
        )
    return Participant(
        id=ident,
        kind=kind,
        sdgs=tuple(sorted(set(sdgs))),
        themes=_texts(entry, "themes", where),
        offers=_texts(entry, "offers", where),
        seeks=_texts(entry, "seeks", where),
    )


def read_event(data: Any) -> tuple[Event, dict[str, Any]]:
    """Check ``data`` and return the event and the original form of each id.

    :raises InputError: naming the first bad field (``participants[3].kind``).
    """
    if not isinstance(data, dict):
        raise InputError("input", "must be a JSON object")
    rounds = _whole(data, "rounds", 1, MAX_ROUNDS)
    tables = _whole(data, "tables", 1, MAX_TABLES)
    pairs = data.get("pairs", "mixed")
    if pairs not in PAIR_RULES:
        raise InputError("pairs", f'must be "mixed" or "any", not {pairs!r}')
    entries = data.get("participants")
    if entries is None:
        raise InputError("participants", "missing")
    if not isinstance(entries, list) or len(entries) > MAX_PARTICIPANTS:
        raise InputError(
            "participants", f"must be a list of at most {MAX_PARTICIPANTS}"
        )
    people: list[Participant] = []
    original: dict[str, Any] = {}
    for number, entry in enumerate(entries):
        where = f"participants[{number}]"
        person = _participant(entry, where)
        if person.id in original:
            raise InputError(f"{where}.id", f"{person.id!r} appears twice")
        original[person.id] = entry["id"]
        people.append(person)
    event = Event(rounds, tables, people, pairs)
    event.locked = [
        _lock(item, n, original) for n, item in enumerate(_list(data, "locked"))
    ]
    for number, item in enumerate(_list(data, "excluded")):
        where = f"excluded[{number}]"
        if not isinstance(item, list) or len(item) != 2:
            raise InputError(where, "must be a pair of participant ids")
        event.excluded.add(frozenset(_known(x, where, original) for x in item))
    return event, original


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InputError(name, "must be a list")
    return value


def _known(value: Any, where: str, original: dict[str, Any]) -> str:
    ident = _ident(value, where)
    if ident not in original:
        raise InputError(where, f"no participant {ident!r}")
    return ident


def _lock(item: Any, number: int, original: dict[str, Any]) -> Meeting:
    where = f"locked[{number}]"
    if not isinstance(item, dict):
        raise InputError(where, "must be an object with round, table, a and b")
    for name in ("a", "b"):
        if name not in item:
            raise InputError(f"{where}.{name}", "missing")
    round_ = _whole(item, "round", 1, MAX_ROUNDS, where)
    table = _whole(item, "table", 1, MAX_TABLES, where)
    a = _known(item["a"], f"{where}.a", original)
    b = _known(item["b"], f"{where}.b", original)
    return Meeting(round_, table, a, b)


def write_plan(
    plan_json: dict[str, Any],
    original: dict[str, Any],
    scorer: Scorer | None = None,
) -> dict[str, Any]:
    """The plan with the ids as given; with ``scorer``, each meeting's reasons."""
    for meetings in plan_json["rounds"]:
        for m in meetings:
            if scorer is not None:
                m["reasons"] = [sentence(r) for r in scorer.explain(m["a"], m["b"])]
            m["a"], m["b"] = original[m["a"]], original[m["b"]]
    return plan_json
