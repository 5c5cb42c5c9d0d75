"""The practice service: checks every field, writes for facilitators, filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Practice
from symbiosis.services import practices as service
from symbiosis.services import seeding
from symbiosis.services.practice_seed import load_practices
from symbiosis.services.practices import PracticeFilters, list_practices
from symbiosis.workflow.pooled_categories import CATEGORIES
from tests.builders import make_org, make_reference, make_user
from tests.practice_builders import PRACTICE, make_practice

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def facilitator(ctx: Flask) -> Any:
    make_reference()
    return make_user(org=make_org(kind="association"), facilitator=True)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Practice.id)))


def fields_of(error: FieldErrors) -> set[str]:
    return {name for name, _message in error.errors}


def test_facilitator_writes_a_sheet(facilitator):
    raw = {**PRACTICE, "sdgs": ["12", "13"], "steps": "1. Compter\r\n2) Choisir\n\n"}
    practice = service.create_practice(facilitator, raw)
    assert practice.id is not None
    assert practice.slug == "gobelets-reutilisables"
    assert practice.author_id == facilitator.id
    assert [s.number for s in practice.sdgs] == [12, 13]
    assert practice.step_list == ["Compter", "Choisir"]
    assert practice.known_difficulties is None  # empty optional text is no text
    assert (practice.time, practice.difficulty, practice.cost) == (1, 1, 1)


def test_every_bad_field_is_named_and_nothing_is_written(facilitator):
    bad = {
        "title": "x",
        "summary": "",
        "category": "parties",
        "language": "it",
        "time": "4",
        "difficulty": "0",
        "cost": "cheap",
        "steps": "",
        "good_to_know": "a\x00b",
        "sdgs": ["18"],
    }
    with pytest.raises(FieldErrors) as caught:
        service.create_practice(facilitator, bad)
    assert fields_of(caught.value) == {
        "title", "summary", "category", "language", "time", "difficulty", "cost",
        "steps", "good_to_know", "sdgs",
    }  # fmt: skip
    messages = dict(caught.value.errors)
    assert "1, 2" in messages["time"]
    assert count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a" * 201),
        ("title", "<script>"),
        ("title", "Deux\nlignes"),
        ("summary", "s" * 1001),
        ("steps", "s" * 10001),
        ("time", True),
        ("time", None),
        ("difficulty", 2.5),
        ("category", None),
        ("sdgs", "douze"),
    ],
)
def test_one_bad_value_is_refused(facilitator, field, value):
    with pytest.raises(FieldErrors) as caught:
        service.create_practice(facilitator, {**PRACTICE, field: value})
    assert fields_of(caught.value) == {field}
    assert count() == 0


def test_scales_accept_numbers_and_text(facilitator):
    practice = service.create_practice(
        facilitator, {**PRACTICE, "time": 3, "difficulty": "2", "cost": " 3 "}
    )
    assert (practice.time, practice.difficulty, practice.cost) == (3, 2, 3)


def test_only_facilitators_write(facilitator):
    member = make_user(org=make_org())
    with pytest.raises(NotAllowed):
        service.create_practice(member, PRACTICE)
    practice = service.create_practice(facilitator, PRACTICE)
    with pytest.raises(NotAllowed):
        service.update_practice(member, practice, {**PRACTICE, "title": "Autre"})
    db.session.refresh(practice)
    assert practice.title == PRACTICE["title"]


def test_titles_are_unique_and_slugs_stay(facilitator):
    first = service.create_practice(facilitator, PRACTICE)
    with pytest.raises(FieldErrors) as caught:
        service.create_practice(
            facilitator, {**PRACTICE, "title": "GOBELETS réutilisables"}
        )
    assert fields_of(caught.value) == {"title"}
    # Another title with the same address gets a numbered one.
    second = service.create_practice(
        facilitator, {**PRACTICE, "title": "Gobelets-réutilisables!"}
    )
    assert second.slug == "gobelets-reutilisables-2"
    # "new" is a page of the library, never a sheet's address.
    assert (
        service.create_practice(facilitator, {**PRACTICE, "title": "New"}).slug
        == "new-2"
    )
    service.update_practice(facilitator, first, {**PRACTICE, "title": "Des tasses"})
    assert first.slug == "gobelets-reutilisables"
    assert service.get_practice("gobelets-reutilisables").title == "Des tasses"
    # Keeping its own title is not a duplicate.
    service.update_practice(facilitator, first, {**PRACTICE, "title": "Des tasses"})


def test_a_refused_edit_changes_nothing(facilitator):
    practice = service.create_practice(facilitator, PRACTICE)
    with pytest.raises(FieldErrors):
        service.update_practice(
            facilitator, practice, {**PRACTICE, "summary": "Nouveau", "cost": "9"}
        )
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).summary == PRACTICE["summary"]


@pytest.fixture
def library(facilitator) -> dict[str, Practice]:
    sheets = {
        "cups": make_practice(
            title="Tasses au bureau", category="awareness", sdgs=[12],
            time="1", difficulty="1", cost="1",
        ),
        "garden": make_practice(
            title="Potager partagé", category="shared_equipment", sdgs=[3, 15],
            time="2", difficulty="2", cost="2", good_to_know="Bacs hors-sol",
        ),
        "bikes": make_practice(
            title="Vélos de la zone", category="mobility", sdgs=[3, 11, 13],
            time="3", difficulty="2", cost="3", language="en",
        ),
        "carpool": make_practice(
            title="Covoiturage", category="mobility", sdgs=[11],
            time="2", difficulty="3", cost="1",
        ),
    }  # fmt: skip
    db.session.commit()
    return sheets


def titles(filters: PracticeFilters) -> list[str]:
    return [p.title for p in list_practices(filters)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["Covoiturage", "Potager partagé", "Tasses au bureau", "Vélos de la zone"]),
        ({"category": "mobility"}, ["Covoiturage", "Vélos de la zone"]),
        ({"sdg": "3"}, ["Potager partagé", "Vélos de la zone"]),
        ({"max_difficulty": "2"}, ["Potager partagé", "Tasses au bureau", "Vélos de la zone"]),
        ({"max_cost": "1"}, ["Covoiturage", "Tasses au bureau"]),
        ({"max_time": "2", "max_cost": "2"}, ["Covoiturage", "Potager partagé", "Tasses au bureau"]),
        ({"language": "en"}, ["Vélos de la zone"]),
        ({"q": "velo"}, ["Vélos de la zone"]),  # accents ignored
        ({"q": "hors-sol bacs"}, ["Potager partagé"]),  # every word, any text
        ({"q": "100%_"}, []),
        ({"category": "mobility", "sdg": "11", "max_cost": "1"}, ["Covoiturage"]),
    ],
)  # fmt: skip
def test_filters(library, args, expected):
    filters = PracticeFilters.from_args(args)
    assert filters.problems == []
    assert titles(filters) == expected


def test_senseless_filters_are_dropped_and_reported(library):
    filters = PracticeFilters.from_args(
        {
            "category": "x",
            "sdg": "18",
            "max_cost": "4",
            "language": "it",
            "max_time": "a",
        }
    )
    assert {name for name, _m in filters.problems} == {
        "category", "sdg", "max_cost", "language", "max_time",
    }  # fmt: skip
    assert len(list_practices(filters)) == 4
    assert filters.as_args() == {}


def test_practices_for_category(library):
    assert [p.title for p in service.practices_for_category("mobility")] == [
        "Covoiturage",
        "Vélos de la zone",
    ]
    assert service.practices_for_category("energy") == []
    assert service.practices_for_category("nonsense") == []
    assert set(CATEGORIES) >= {
        p.category for p in db.session.scalars(sa.select(Practice))
    }


def test_seed_sheets_load_once(ctx):
    make_reference()
    assert load_practices(SEEDS / "reference") >= 5
    db.session.commit()
    sheets = list_practices()
    assert len(sheets) >= 5
    assert {p.category for p in sheets} >= {"awareness", "mobility", "waste_collection"}
    assert all(p.step_list and p.summary and p.sdgs for p in sheets)
    assert all(p.author is None for p in sheets)
    # A facilitator's edit survives the next load, and nothing is added twice.
    cups = service.get_practice("gobelets-reutilisables")
    cups.summary = "Corrigé par l'équipe."
    db.session.commit()
    assert load_practices(SEEDS / "reference") == 0
    db.session.commit()
    assert (
        service.get_practice("gobelets-reutilisables").summary
        == "Corrigé par l'équipe."
    )
    assert len(list_practices()) == len(sheets)


def test_reference_load_reports_the_sheets_once(ctx):
    first = seeding.load_reference(SEEDS / "reference")
    assert first.inserted["practice"] >= 5
    assert count() == first.inserted["practice"]
    again = seeding.load_reference(SEEDS / "reference")
    assert again.changed == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [("time", 4), ("difficulty", 0), ("cost", 9), ("category", "x")],
)
def test_the_database_keeps_sheets_in_range(facilitator, column, value):
    practice = make_practice()
    db.session.commit()
    setattr(practice, column, value)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
