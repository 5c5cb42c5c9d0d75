"""Themes on listings: the form, the page, the JSON API, import and export, matches."""

from __future__ import annotations

import csv
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing, Match, User
from symbiosis.services import imports
from tests.builders import (
    PASSWORD,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user

FORM = {
    "kind": "offer",
    "resource": "service",
    "title": "Mentorat informatique",
    "description": "Deux heures par semaine avec nos développeurs.",
    "quantity": "8",
    "unit": "hours",
    "frequency": "monthly",
    "available_from": "2027-01-01",
    "price_terms": "free",
}
NEEDS = {
    "kind": "request",
    "resource": "service",
    "title": "Mentorat informatique pour nos jeunes",
    "quantity": "8",
    "unit": "hours",
    "frequency": "monthly",
    "price_terms": "free",
}


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Kirchberg (Luxembourg)", lat=49.628, lon=6.16)
        firm = make_org(name="Firm A", zone=zone)
        club = make_org(name="Club B", kind="association", zone=zone)
        member = make_user(email="a@firm-a.example.lu", org=firm, locale="en")
        other = make_user(email="b@club-b.example.lu", org=club, locale="en")
        db.session.commit()
        return {"member": member.id, "other": other.id, "firm": firm.id}


def themes_of(app: Flask, title: str) -> list[str]:
    with app.app_context():
        listing = db.session.scalar(sa.select(Listing).where(Listing.title == title))
        return list(listing.themes)


# -- pages ------------------------------------------------------------------------
def test_the_form_offers_the_themes_and_the_page_shows_them(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    form = client.get("/listings/new").get_data(as_text=True)
    assert '<legend class="form-label fs-6">Themes</legend>' in form
    assert 'name="themes" type="checkbox" value="education"' in form
    response = client.post(
        "/listings/new", data={**FORM, "themes": ["youth", "education"]}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert themes_of(app, "Mentorat informatique") == ["education", "youth"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Education, Children and youth" in page
    # the edit form comes back with the boxes ticked; unticking all removes them
    listing_id = response.headers["Location"].rsplit("/", 1)[1]
    edit = client.get(f"/listings/{listing_id}/edit").get_data(as_text=True)
    ticked = re.findall(r'<input checked [^>]*name="themes"[^>]*value="(\w+)"', edit)
    assert ticked == ["education", "youth"]
    saved = client.post(f"/listings/{listing_id}/edit", data=FORM)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert themes_of(app, "Mentorat informatique") == []


def test_an_unknown_theme_is_named_next_to_the_field(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    response = client.post("/listings/new", data={**FORM, "themes": ["astrology"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="themes-error"' in page
    assert "Unknown theme “astrology”" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 0


# -- JSON API -----------------------------------------------------------------------
def token_for(client: FlaskClient, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_the_api_reads_and_writes_themes(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    body = {**FORM, "quantity": 8, "themes": ["Sport", "digital"]}
    created = client.post("/api/v1/listings", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["themes"] == ["sport", "digital"]
    url = f"/api/v1/listings/{created.json['id']}"
    assert client.get(url, headers=headers).json["themes"] == ["sport", "digital"]
    # a change of something else keeps the themes; a new list replaces them
    kept = client.patch(url, json={"quantity": 10}, headers=headers)
    assert kept.status_code == 200, kept.json
    assert kept.json["themes"] == ["sport", "digital"]
    changed = client.patch(url, json={"themes": ["health"]}, headers=headers)
    assert changed.json["themes"] == ["health"]
    cleared = client.patch(url, json={"themes": []}, headers=headers)
    assert cleared.json["themes"] == []


@pytest.mark.parametrize(
    "themes", [["astrology"], "sport, astrology", [3], [{"key": "sport"}], True]
)
def test_the_api_refuses_an_unknown_theme_naming_the_field(
    app: Flask, client: FlaskClient, world: dict, themes: object
) -> None:
    headers = token_for(client, "a@firm-a.example.lu")
    response = client.post(
        "/api/v1/listings", json={**FORM, "themes": themes}, headers=headers
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["themes"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 0


# -- import and export ----------------------------------------------------------------
def test_import_reads_a_themes_column_and_export_writes_it_back(
    app: Flask, world: dict
) -> None:
    header = "kind;resource;title;quantity;unit;frequency;sdgs;themes"
    rows = [
        "offre;service;Salle de réunion;4;hours;monthly;17;Solidarité, Culture",
        "offre;service;Bénévolat;10;hours;yearly;;",
        "demande;service;Ballons;5;pieces;once;;astrologie",
    ]
    with app.app_context():
        member = db.session.get(User, world["member"])
        bad = imports.import_listings(
            member, "l.csv", "\r\n".join([header, *rows]).encode()
        )
        assert [(e.row, e.column) for e in bad.errors] == [(4, "themes")]
        good = imports.import_listings(
            member, "l.csv", "\r\n".join([header, *rows[:2]]).encode()
        )
        assert good.ok, good.errors
        listings = db.session.scalars(sa.select(Listing).order_by(Listing.id)).all()
        assert [x.themes for x in listings] == [["culture", "solidarity"], []]
        exported = imports.export_csv(listings).lstrip("\ufeff").splitlines()
    columns, first = list(csv.reader(exported[:2], delimiter=";"))
    cells = dict(zip(columns, first, strict=True))
    assert cells["themes"] == "culture;solidarity"
    assert "themes" in imports.template_csv().splitlines()[0].split(";")


# -- matches --------------------------------------------------------------------------
def test_stored_matches_count_shared_themes_and_say_so(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    with app.app_context():
        member = db.session.get(User, world["member"])
        other = db.session.get(User, world["other"])
        offer = make_listing(org=member.organisation, by=member, **FORM,
                             themes="education;youth;digital")  # fmt: skip
        request = make_listing(org=other.organisation, by=other, **NEEDS,
                               themes=["youth", "education"])  # fmt: skip
        match = db.session.scalar(
            sa.select(Match).where(
                Match.offer_id == offer.id, Match.request_id == request.id
            )
        )
        assert match is not None
        assert match.parts["theme"] == pytest.approx(2 / 3, abs=1e-3)
        shared = [r for r in match.reasons if r["code"] == "shared_themes"]
        assert shared == [
            {"code": "shared_themes", "params": {"themes": ["education", "youth"]}}
        ]
        offer_id = offer.id
    as_user(app, client, world["member"])
    listed = client.get(f"/api/v1/listings/{offer_id}/matches")
    assert listed.status_code == 200
    [found] = listed.json["matches"]
    assert found["parts"]["theme"] == pytest.approx(0.667, abs=1e-3)
    assert {"code": "shared_themes", "params": {"themes": ["education", "youth"]}} in (
        found["reason_codes"]
    )
