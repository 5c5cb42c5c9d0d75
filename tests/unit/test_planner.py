"""The meeting planner: pair scores and reasons, the schedule, edits, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from symbiosis.matching.lexicon import Lexicon
from symbiosis.planner import make_plan
from symbiosis.planner.model import Event, Meeting, Participant, Plan, PlanError
from symbiosis.planner.rules import EditRefused, lock, move, swap, unlock, validate
from symbiosis.planner.scoring import Scorer, sentence
from symbiosis.planner.solver import greedy, plan


def firm(ident: str, **fields: object) -> Participant:
    return Participant(ident, "company", **fields)  # type: ignore[arg-type]


def club(ident: str, **fields: object) -> Participant:
    return Participant(ident, "association", **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- scoring


def test_offers_meet_seeks_across_languages() -> None:
    people = [
        firm("bank", offers=("Volunteer days", "Salle de réunion")),
        club("scouts", seeks=("Bénévoles pour nos camps", "Besprechungsraum")),
        club("choir", seeks=("Theaterkostüme",)),
    ]
    scorer = Scorer(people)
    assert scorer.score("bank", "scouts") == 42.0  # one way: 60 % × 0.7
    assert scorer.score("bank", "choir") == 0
    reasons = [sentence(r) for r in scorer.explain("bank", "scouts")]
    assert reasons == [
        "bank offers “Volunteer days”, scouts seeks “Bénévoles pour nos camps” (100 %)",
        "bank offers “Salle de réunion”, scouts seeks “Besprechungsraum” (100 %)",
    ]


def test_scores_are_symmetric_bounded_and_zero_on_the_diagonal() -> None:
    people = [
        firm("a", sdgs=(4, 8), themes=("Sport",), offers=("IT support",)),
        club("b", sdgs=(4, 8), themes=("sport",), seeks=("support informatique",)),
        club("c", sdgs=(1,), offers=("Mentoring",), seeks=("Sponsoring",)),
    ]
    scores = Scorer(people).matrix()
    assert np.allclose(scores, scores.T)
    assert np.all(np.diag(scores) == 0)
    assert scores.min() >= 0
    assert scores.max() <= 100
    # same SDGs and theme (affinity 1), b's seek met, a seeks nothing (fit 0.7):
    # 0.7 × (60 % + 30 %) + 10 %
    assert scores[0, 1] == 73.0


def test_it_support_is_not_read_as_the_word_it() -> None:
    people = [
        firm("a", offers=("IT support",)),
        club("b", seeks=("Mentoring support",)),
        club("c", seeks=("IT-Support",)),
    ]
    scorer = Scorer(people)
    assert scorer.score("a", "c") == 42.0
    assert scorer.score("a", "b") == 0


def test_a_kind_of_thing_meets_its_family() -> None:
    people = [
        firm("a", offers=("Football equipment",)),
        club("b", seeks=("Matériel sportif",)),
        club("c", seeks=("Musikinstrumente",)),
    ]
    scorer = Scorer(people)
    assert scorer.score("a", "b") == 37.8  # narrower: 0.9 of a full match
    assert scorer.score("a", "c") == 0


def test_shared_sdgs_and_themes_are_reasons() -> None:
    people = [
        firm("a", sdgs=(4, 13), themes=("Education", "Climate")),
        club("b", sdgs=(13,), themes=("education",)),
    ]
    scorer = Scorer(people)
    assert [sentence(r) for r in scorer.explain("a", "b")] == [
        "shared SDGs 13",
        "shared themes Education",
    ]
    assert 0 < scorer.score("a", "b") < 40


def test_shared_goals_without_an_exchange_score_little() -> None:
    people = [
        firm("a", sdgs=(4, 8), themes=("Education",), offers=("Meeting room",)),
        club("b", sdgs=(4, 8), themes=("education",), seeks=("Sponsoring",)),
        club("c", seeks=("Besprechungsraum",)),
    ]
    scorer = Scorer(people)
    assert scorer.score("a", "b") == 10.0  # everything shared, nothing exchanged
    assert scorer.score("a", "c") == 42.0  # nothing shared, one need met


def test_known_meanings_are_not_linked_by_shared_letters() -> None:
    people = [
        firm("a", offers=("Sports equipment",)),
        club("b", seeks=("Sortie d'équipe nature",)),
        club("c", seeks=("Matériel sportif",)),
    ]
    scorer = Scorer(people)
    assert scorer.score("a", "b") == 0
    assert scorer.score("a", "c") == 42.0


def test_the_material_lexicon_does_not_read_any_advice_as_any_skill() -> None:
    materials = Lexicon()
    materials.add_term("service.skills", "Beratung", "de")
    materials.add_term("service.skills.volunteering", "volunteer days", "en")
    people = [
        firm("a", offers=("Volunteer days",)),
        club("b", seeks=("Finanzberatung",)),
        club("c", seeks=("Bénévoles",)),
    ]
    scorer = Scorer(people, materials)
    assert scorer.score("a", "b") == 0
    assert scorer.score("a", "c") == 42.0


def test_unknown_words_still_meet_by_wording() -> None:
    people = [
        firm("a", offers=("Beehive honey jars",)),
        club("b", seeks=("honey jars",)),
    ]
    assert 25 < Scorer(people).score("a", "b") < 42


def test_the_material_lexicon_is_used_when_given() -> None:
    materials = Lexicon()
    materials.add_term("wood.pallets", "palettes en bois", "fr")
    materials.add_term("wood.pallets", "Holzpaletten", "de")
    people = [
        firm("a", offers=("palettes en bois",)),
        club("b", seeks=("Holzpaletten",)),
    ]
    assert Scorer(people).score("a", "b") == 0
    assert Scorer(people, materials).score("a", "b") == 42.0


# ---------------------------------------------------------------- schedule


def event_of(companies: int, associations: int, rounds: int, tables: int) -> Event:
    people = [firm(f"c{i}") for i in range(companies)]
    people += [club(f"a{i}") for i in range(associations)]
    return Event(rounds, tables, people, "mixed")


def random_scores(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(0, 100, (n, n)), 1)
    scores = np.triu(scores, 1)
    return scores + scores.T


def test_the_planner_beats_greedy_where_greedy_blocks_itself() -> None:
    event = event_of(2, 2, rounds=1, tables=2)
    scores = np.zeros((4, 4))
    for (i, j), s in {(0, 2): 10, (0, 3): 9, (1, 2): 9, (1, 3): 0}.items():
        scores[i, j] = scores[j, i] = s
    assert greedy(event, scores).total() == 10
    best = plan(event, scores)
    assert best.total() == 18
    assert validate(event, best) == []


def test_everyone_meets_every_round_when_the_tables_allow() -> None:
    event = event_of(6, 6, rounds=5, tables=6)
    result = plan(event, random_scores(12))
    assert validate(event, result) == []
    assert set(result.counts().values()) == {5}


def test_waiting_is_shared_out_fairly() -> None:
    event = event_of(8, 4, rounds=6, tables=4)  # 4 firms wait each round
    result = plan(event, random_scores(12, seed=3))
    counts = result.counts()
    assert sorted({counts[f"c{i}"] for i in range(8)}) == [3]
    assert {counts[f"a{i}"] for i in range(4)} == {6}
    assert validate(event, result) == []


def test_mixed_pairs_only_and_any_pairs_allowed() -> None:
    mixed = event_of(3, 3, rounds=3, tables=3)
    people = mixed.by_id()
    for m in plan(mixed, random_scores(6)).meetings():
        assert people[m.a].kind == "company"
        assert people[m.b].kind == "association"
    anything = Event(5, 3, mixed.participants, "any")
    result = plan(anything, random_scores(6))
    assert validate(anything, result) == []
    assert any(people[m.a].kind == people[m.b].kind for m in result.meetings())


def test_locks_and_exclusions_are_kept() -> None:
    event = event_of(4, 4, rounds=3, tables=4)
    event.locked = [Meeting(2, 3, "c0", "a0")]
    event.excluded = {frozenset(("c1", "a1")), frozenset(("c2", "a2"))}
    scores = random_scores(8)
    scores[1, 5] = scores[5, 1] = scores[2, 6] = scores[6, 2] = 100.0
    for result in (plan(event, scores), greedy(event, scores)):
        assert validate(event, result) == []
        assert Meeting(2, 3, "c0", "a0", float(scores[0, 4])) in result.rounds[1]
        pairs = {m.pair for m in result.meetings()}
        assert not pairs & event.excluded


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([Meeting(4, 1, "c0", "a0")], "round 4 does not exist"),
        ([Meeting(1, 9, "c0", "a0")], "table 9 does not exist"),
        ([Meeting(1, 1, "c0", "c1")], "both companies"),
        ([Meeting(1, 1, "c0", "a0"), Meeting(2, 2, "a0", "c0")], "already meet"),
        ([Meeting(1, 1, "c0", "a0"), Meeting(1, 2, "c0", "a1")], "c0 sits at tables"),
        ([Meeting(1, 1, "c0", "zz")], "no participant zz"),
    ],
)
def test_impossible_locks_are_refused(locked: list[Meeting], message: str) -> None:
    event = event_of(2, 2, rounds=3, tables=2)
    event.locked = locked
    with pytest.raises(PlanError, match=message) as caught:
        plan(event, random_scores(4))
    assert caught.value.field == "locked"


def test_an_empty_event_gives_empty_rounds() -> None:
    assert plan(event_of(0, 0, 2, 3), np.zeros((0, 0))).rounds == [[], []]
    assert plan(event_of(1, 0, 2, 3), np.zeros((1, 1))).rounds == [[], []]


def test_validate_names_every_broken_rule() -> None:
    event = event_of(3, 3, rounds=2, tables=2)
    event.excluded = {frozenset(("c2", "a2"))}
    event.locked = [Meeting(2, 1, "c1", "a1")]
    bad = Plan(
        [
            [
                Meeting(1, 1, "c0", "a0"),
                Meeting(1, 1, "c0", "a1"),
                Meeting(1, 3, "c1", "c2"),
            ],
            [
                Meeting(2, 2, "c0", "a0"),
                Meeting(2, 1, "c2", "a2"),
                Meeting(2, 2, "x", "x"),
            ],
        ]
    )
    codes = [p.code for p in validate(event, bad)]
    assert codes == [
        "table_twice",
        "twice_in_round",
        "table",
        "kind",
        "repeat",
        "excluded",
        "table_twice",
        "unknown",
        "unknown",
        "self",
        "lock_missing",
    ]
    messages = [p.message for p in validate(event, bad)]
    assert "round 2, table 2: c0 and a0 already meet in round 1" in messages
    assert (
        validate(event, Plan([[]]))[0].message == "the plan has 1 rounds, the event 2"
    )


# ---------------------------------------------------------------- edits


@pytest.fixture
def planned() -> tuple[Event, Plan, Scorer]:
    people = [firm("c1"), firm("c2"), firm("c3"), club("a1"), club("a2"), club("a3")]
    event = Event(2, 2, people, "mixed")
    scorer = Scorer(people)
    result = Plan(
        [
            [Meeting(1, 1, "c1", "a1"), Meeting(1, 2, "c2", "a2")],
            [Meeting(2, 1, "c1", "a3"), Meeting(2, 2, "c3", "a1")],
        ]
    )
    assert validate(event, result) == []
    return event, result, scorer


def test_swap_two_seated_participants(planned: tuple[Event, Plan, Scorer]) -> None:
    event, result, scorer = planned
    after = swap(event, result, 1, "a1", "a2", scorer.score)
    assert [(m.table, m.a, m.b) for m in after.rounds[0]] == [
        (1, "c1", "a2"),
        (2, "c2", "a1"),
    ]
    assert result.rounds[0][0].b == "a1"  # the input is left alone


def test_swap_with_a_waiting_participant(planned: tuple[Event, Plan, Scorer]) -> None:
    event, result, scorer = planned
    after = swap(event, result, 1, "c2", "c3", scorer.score)
    assert [(m.a, m.b) for m in after.rounds[0]] == [("c1", "a1"), ("c3", "a2")]


def test_a_swap_that_repeats_a_pair_is_refused(
    planned: tuple[Event, Plan, Scorer],
) -> None:
    event, result, scorer = planned
    with pytest.raises(EditRefused) as caught:
        swap(event, result, 2, "c1", "c3", scorer.score)
    assert [p.code for p in caught.value.problems] == ["repeat"]
    assert "round 2, table 2: c1 and a1 already meet in round 1" in str(caught.value)


def test_a_swap_of_the_wrong_kinds_is_refused(
    planned: tuple[Event, Plan, Scorer],
) -> None:
    event, result, scorer = planned
    with pytest.raises(EditRefused, match="both associations"):
        swap(event, result, 1, "c1", "a2", scorer.score)
    with pytest.raises(EditRefused, match="already share a table"):
        swap(event, result, 1, "c1", "a1", scorer.score)
    with pytest.raises(EditRefused, match="round 1: c3 has no table"):
        swap(event, result, 1, "c3", "zz", scorer.score)


def test_locked_meetings_cannot_be_edited(
    planned: tuple[Event, Plan, Scorer],
) -> None:
    event, result, scorer = planned
    locked = lock(event, result, 1, 2)
    assert locked.locked == [result.rounds[0][1]]
    with pytest.raises(EditRefused, match="round 1, table 2 is locked"):
        swap(locked, result, 1, "c1", "c2", scorer.score)
    with pytest.raises(EditRefused, match="round 1, table 2 is locked"):
        move(locked, result, 1, 2, 2, 2)
    assert unlock(locked, 1, 2).locked == []
    assert event.locked == []


def test_move_to_a_free_table_and_exchange_with_a_taken_one(
    planned: tuple[Event, Plan, Scorer],
) -> None:
    event, result, _ = planned
    event = Event(3, 2, event.participants, "mixed")
    result = Plan([*result.rounds, []])
    after = move(event, result, 1, 2, 3, 1)
    assert [(m.round, m.table, m.a, m.b) for m in after.rounds[2]] == [
        (3, 1, "c2", "a2")
    ]
    assert len(after.rounds[0]) == 1
    exchanged = move(event, result, 1, 1, 1, 2)
    assert [(m.table, m.a) for m in exchanged.rounds[0]] == [(1, "c2"), (2, "c1")]
    with pytest.raises(EditRefused, match="round 1: c1 sits at tables 1 and 2"):
        move(event, after, 2, 1, 1, 2)
    with pytest.raises(EditRefused, match="table 5 holds no meeting"):
        move(event, result, 1, 5, 2, 1)


def test_replanning_keeps_what_the_facilitator_locked() -> None:
    people = [firm(f"c{i}") for i in range(4)] + [club(f"a{i}") for i in range(4)]
    event = Event(3, 4, people, "mixed")
    first, scorer = make_plan(event)
    chosen = first.rounds[2][0]
    event = lock(event, first, 3, chosen.table)
    again = plan(event, scorer.matrix())
    assert chosen in again.rounds[2]
    assert validate(event, again) == []
