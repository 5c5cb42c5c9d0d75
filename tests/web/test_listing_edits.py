"""Editing a listing keeps what the user did not change: its place's name,
and numbers written as the reader writes them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing
from symbiosis.services.listings import update_listing
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Belval", lat=49.501, lon=5.944)
        firm = make_org(name="Boulangerie", zone=zone)
        member = make_user(org=firm)
        listing = make_listing(
            org=firm, by=member, title="Drêche", locality="Esch-sur-Alzette",
            quantity="2400.5", unit="kg", price_terms="price_per_unit",
            price_per_unit="1234.5",
        )  # fmt: skip
        db.session.commit()
        return {"member": member.id, "listing": listing.id}


def _place(app: Flask, listing_id: int) -> tuple[str | None, float, float]:
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert listing is not None
        return listing.location_label, listing.lat, listing.lon


def _fields(page: str) -> dict[str, str]:
    """The values of the form's text inputs, by name."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and 'type="checkbox"' not in tag:
            found[name.group(1)] = value.group(1)
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)".*?<option value="([^"]*)" selected', page, re.S
    ):
        found.setdefault(name, value)
    return found


def test_saving_the_edit_form_unchanged_keeps_the_place_name(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    before = _place(app, world["listing"])
    assert before[0] == "Esch-sur-Alzette"
    as_user(app, client, world["member"])
    url = f"/listings/{world['listing']}/edit"
    form = _fields(client.get(url).text)
    assert form["locality"] == "Esch-sur-Alzette"
    sent = client.post(
        url, data={**form, "kind": "offer", "price_terms": "price_per_unit"}
    )
    assert sent.status_code == 302, sent.text
    assert _place(app, world["listing"]) == before
    # and the next form still shows it
    assert _fields(client.get(url).text)["locality"] == "Esch-sur-Alzette"


def test_a_new_locality_with_the_old_coordinates_moves_the_listing(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    url = f"/listings/{world['listing']}/edit"
    form = _fields(client.get(url).text)
    sent = client.post(url, data={**form, "kind": "offer", "price_terms": "price_per_unit",
                                  "locality": "Contern"})  # fmt: skip
    assert sent.status_code == 302, sent.text
    label, lat, lon = _place(app, world["listing"])
    assert label == "Contern"
    assert (round(lat, 4), round(lon, 4)) == (49.5856, 6.2267)


def test_a_change_through_the_service_keeps_the_place(
    app: Flask, world: dict[str, Any]
) -> None:
    """As an API PATCH does: only the title changes."""
    before = _place(app, world["listing"])
    with app.app_context():
        from symbiosis.models import User

        user = db.session.get(User, world["member"])
        listing = db.session.get(Listing, world["listing"])
        update_listing(user, listing, {"title": "Drêche de brasserie"})
    assert _place(app, world["listing"]) == before


def test_coordinates_given_with_a_locality_keep_its_listed_name(
    app: Flask, world: dict[str, Any]
) -> None:
    with app.app_context():
        from symbiosis.models import User

        user = db.session.get(User, world["member"])
        listing = db.session.get(Listing, world["listing"])
        update_listing(user, listing, {"lat": "49.59", "lon": "6.23",
                                       "locality": "contern"})  # fmt: skip
    assert _place(app, world["listing"]) == ("Contern", 49.59, 6.23)


@pytest.mark.parametrize(
    ("lang", "quantity", "price"),
    [
        ("fr", "2400,5", "1234,5"),
        ("en", "2400.5", "1234.5"),
        ("de", "2400,5", "1234,5"),
    ],
)
def test_the_edit_form_writes_numbers_as_the_reader_does_without_grouping(
    app: Flask, client: FlaskClient, world: dict[str, Any], lang, quantity, price
) -> None:
    """No thousands mark: "2.400" would read as 2.4 in English."""
    as_user(app, client, world["member"])
    client.post("/language", data={"lang": lang})
    url = f"/listings/{world['listing']}/edit"
    form = _fields(client.get(url).text)
    assert (form["quantity"], form["price_per_unit"]) == (quantity, price)
    sent = client.post(
        url, data={**form, "kind": "offer", "price_terms": "price_per_unit"}
    )
    assert sent.status_code == 302, sent.text
    with app.app_context():
        listing = db.session.get(Listing, world["listing"])
        assert str(listing.quantity.normalize()) == "2400.5"
        assert str(listing.price_per_unit.normalize()) == "1234.5"


def test_a_search_finds_the_same_material_named_in_another_language(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    with app.app_context():
        from symbiosis.models import User

        user = db.session.get(User, world["member"])
        make_listing(org=user.organisation, by=user, title="Cartons d'emballage",
                     ewc_code=None)  # fmt: skip
        make_listing(org=user.organisation, by=user, title="Paint residues",
                     ewc_code=None)  # fmt: skip
        db.session.commit()
    as_user(app, client, world["member"])
    for word in ("Karton", "cardboard", "carton"):
        page = client.get(f"/listings/?q={word}").text
        assert "Cartons d&#39;emballage" in page or "Cartons d'emballage" in page, word
    assert "Paint residues" not in client.get("/listings/?q=Brot").text
    assert client.get("/listings/?q=Kartonzzz").text.count("Cartons d") == 0
