"""The planner's file interface: JSON in, the plan out, bad fields named."""

from __future__ import annotations

import pytest

from symbiosis.planner import make_plan
from symbiosis.planner.fileio import InputError, read_event, write_plan

GOOD = {
    "rounds": 2,
    "tables": 2,
    "participants": [
        {"id": 1, "kind": "company", "offers": ["Volunteer days"]},
        {"id": "a", "kind": "association", "seeks": ["bénévoles"], "sdgs": [3]},
    ],
}


def test_a_good_file_gives_the_plan_with_ids_as_given() -> None:
    event, original = read_event(GOOD)
    assert event.pairs == "mixed"
    result, scorer = make_plan(event)
    out = write_plan(result.as_json(), original)
    assert out == {"rounds": [[{"table": 1, "a": 1, "b": "a", "score": 42.0}], []]}
    with_reasons = write_plan(result.as_json(), original, scorer)
    assert with_reasons["rounds"][0][0]["reasons"] == [
        "1 offers “Volunteer days”, a seeks “bénévoles” (100 %)"
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rounds": None}, "rounds"),
        ({"rounds": 0}, "rounds"),
        ({"rounds": "3"}, "rounds"),
        ({"tables": -1}, "tables"),
        ({"pairs": "all"}, "pairs"),
        ({"participants": None}, "participants"),
        ({"participants": {"id": 1}}, "participants"),
        ({"participants": [{"kind": "company"}]}, "participants[0].id"),
        ({"participants": [{"id": 1}]}, "participants[0].kind"),
        ({"participants": [{"id": 1, "kind": "firm"}]}, "participants[0].kind"),
        (
            {"participants": [{"id": 1, "kind": "company", "sdgs": [18]}]},
            "participants[0].sdgs",
        ),
        (
            {"participants": [{"id": 1, "kind": "company", "offers": "IT"}]},
            "participants[0].offers",
        ),
        (
            {"participants": [{"id": 1, "kind": "company", "seeks": [""]}]},
            "participants[0].seeks",
        ),
        ({"participants": [{"id": True, "kind": "company"}]}, "participants[0].id"),
        (
            {
                "participants": [
                    {"id": 1, "kind": "company"},
                    {"id": "1", "kind": "company"},
                ]
            },
            "participants[1].id",
        ),
        ({"locked": [{"round": 1, "table": 1, "a": 1}]}, "locked[0].b"),
        ({"locked": [{"round": 0, "table": 1, "a": 1, "b": "a"}]}, "locked[0].round"),
        ({"locked": [{"round": 1, "table": 1, "a": 1, "b": "zz"}]}, "locked[0].b"),
        ({"excluded": [[1]]}, "excluded[0]"),
        ({"excluded": "1,a"}, "excluded"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, object], field: str) -> None:
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(InputError) as caught:
        read_event(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_locks_from_the_file_are_planned_around() -> None:
    data = {
        **GOOD,
        "rounds": 3,
        "locked": [{"round": 3, "table": 2, "a": "a", "b": 1}],
    }
    event, original = read_event(data)
    result, _ = make_plan(event)
    out = write_plan(result.as_json(), original)
    assert out["rounds"] == [[], [], [{"table": 2, "a": "a", "b": 1, "score": 42.0}]]
