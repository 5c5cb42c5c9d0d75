"""Practice library pages: everyone browses and filters; facilitators write."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Practice
from tests.builders import make_org, make_reference, make_user
from tests.conftest import as_user
from tests.practice_builders import make_practice

FORM: dict[str, Any] = {
    "title": "Un potager d'entreprise",
    "summary": "Des bacs au pied des bâtiments.\nPartagés avec les voisins.",
    "category": "shared_equipment",
    "language": "fr",
    "time": "2",
    "difficulty": "2",
    "cost": "1",
    "steps": "1. Trouver un lieu\n2. Réunir des volontaires",
    "known_difficulties": "- L'arrosage en août",
    "examples": "Trois entreprises ont installé des bacs.",
    "good_to_know": "Les bacs hors-sol se déplacent.",
    "sdgs": ["3", "15"],
}


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    """Pages in English, whatever the catalogues say."""
    with client.session_transaction() as session:
        session["lang"] = "en"


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        org = make_org()
        member = make_user(org=org)
        facilitator = make_user(org=make_org(kind="association"), facilitator=True)
        make_practice(
            title="Gobelets réutilisables", category="awareness", sdgs=[12, 14],
            time="1", difficulty="1", cost="1",
            steps="Compter les gobelets\nChoisir des tasses",
            known_difficulties="Le lavage est oublié", examples="Une PME de 40 personnes.",
        )  # fmt: skip
        make_practice(
            title="Vélos de la zone", category="mobility", sdgs=[11],
            time="3", difficulty="2", cost="3", language="en",
        )  # fmt: skip
        make_practice(
            title="Covoiturage", category="mobility", difficulty="3", sdgs=[11],
            summary="Partager les trajets.", steps="Faire une enquête",
        )  # fmt: skip
        db.session.commit()
        return {"member": member.id, "facilitator": facilitator.id}


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/practices/[^"]+">([^<]+)</a></h2>', html)


def test_anonymous_browses_and_filters(client, world):
    page = client.get("/practices/")
    assert page.status_code == 200
    assert titles(page.text) == [
        "Covoiturage",
        "Gobelets réutilisables",
        "Vélos de la zone",
    ]
    # The scales are said in words, not by colour alone.
    assert "Difficulty: 1 of 3" in page.text
    assert "Write a practice sheet" not in page.text
    assert 'class="nav-link" href="/practices/"' in page.text  # menu, for everyone
    mobility = client.get("/practices/?category=mobility&max_difficulty=2")
    assert titles(mobility.text) == ["Vélos de la zone"]
    assert 'value="mobility" selected' in mobility.text
    assert titles(client.get("/practices/?sdg=12").text) == ["Gobelets réutilisables"]
    assert titles(client.get("/practices/?max_cost=1&q=gobelet").text) == [
        "Gobelets réutilisables"
    ]
    assert titles(client.get("/practices/?language=en").text) == ["Vélos de la zone"]
    nothing = client.get("/practices/?q=introuvable")
    assert titles(nothing.text) == []
    assert "No practice sheet matches these filters." in nothing.text
    # Nonsense in the query string is ignored, never an error page.
    odd = client.get("/practices/?category=x&sdg=99&max_time=7&language=zz")
    assert odd.status_code == 200
    assert len(titles(odd.text)) == 3


def test_anonymous_reads_a_sheet(client, world):
    page = client.get("/practices/gobelets-reutilisables")
    assert page.status_code == 200
    html = page.text
    assert '<article class="practice-sheet" lang="fr"' in html
    assert "<li>Compter les gobelets</li>" in html
    assert "<li>Le lavage est oublié</li>" in html
    assert "Une PME de 40 personnes." in html
    assert "Time: 1 of 3" in html
    assert "Cost: 1 of 3" in html
    assert "SDG 14" in html
    # the sheet's language, not the page's, named in the reader's language
    assert "Written in French" in html
    assert "Edit the sheet" not in html
    assert client.get("/practices/no-such-sheet").status_code == 404
    bikes = client.get("/practices/velos-de-la-zone").text
    assert '<article class="practice-sheet" lang="en"' in bikes
    assert "Written in" not in bikes
    # Other sheets of the same category are linked.
    assert 'href="/practices/covoiturage"' in bikes
    client.post("/language", data={"lang": "fr"})
    assert "Rédigée en anglais" in client.get("/practices/velos-de-la-zone").text
    client.post("/language", data={"lang": "de"})
    assert "Englisch" in client.get("/practices/velos-de-la-zone").text


def test_member_may_not_write(app, client, world):
    as_user(app, client, world["member"])
    page = client.get("/practices/")
    assert page.status_code == 200
    assert 'class="dropdown-item" href="/practices/"' in page.text  # under Network
    assert "Write a practice sheet" not in page.text
    assert client.get("/practices/new").status_code == 403
    assert client.post("/practices/new", data=FORM).status_code == 403
    edit = client.post("/practices/covoiturage/edit", data=FORM)
    assert edit.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 3


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get("/practices/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_facilitator_writes_a_sheet(app, client, world):
    as_user(app, client, world["facilitator"])
    form_page = client.get("/practices/new")
    assert form_page.status_code == 200
    assert 'name="time"' in form_page.text
    bad = client.post(
        "/practices/new", data={**FORM, "title": "", "cost": "5", "category": "x"}
    )
    assert bad.status_code == 422
    html = bad.text
    for name in ("title", "cost", "category"):
        assert f'id="{name}-error"' in html, name
    assert 'id="summary-error"' not in html
    assert 'aria-invalid="true"' in html
    # What was typed is kept.
    assert "Réunir des volontaires" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 3
    good = client.post("/practices/new", data=FORM)
    assert good.status_code == 302
    assert good.headers["Location"] == "/practices/un-potager-d-entreprise"
    sheet = client.get(good.headers["Location"]).text
    assert "<li>Trouver un lieu</li>" in sheet
    assert "<li>L&#39;arrosage en août</li>" in sheet
    assert "Edit the sheet" in sheet
    with app.app_context():
        practice = db.session.scalar(
            sa.select(Practice).where(Practice.slug == "un-potager-d-entreprise")
        )
        assert practice.author_id == world["facilitator"]
        assert [s.number for s in practice.sdgs] == [3, 15]


def test_facilitator_edits_a_sheet(app, client, world):
    as_user(app, client, world["facilitator"])
    form_page = client.get("/practices/covoiturage/edit")
    assert form_page.status_code == 200
    ticked = re.findall(
        r'<input checked[^>]*name="(\w+)"[^>]*value="(\w+)"', form_page.text
    )
    assert set(ticked) >= {("difficulty", "3"), ("language", "fr"), ("cost", "1")}
    bad = client.post(
        "/practices/covoiturage/edit", data={**FORM, "title": "Vélos de la zone"}
    )
    assert bad.status_code == 422
    assert 'id="title-error"' in bad.text
    good = client.post(
        "/practices/covoiturage/edit", data={**FORM, "title": "Covoiturage de zone"}
    )
    assert good.status_code == 302
    assert good.headers["Location"] == "/practices/covoiturage"
    assert "Covoiturage de zone" in client.get("/practices/covoiturage").text
    assert client.get("/practices/nothing/edit").status_code == 404
