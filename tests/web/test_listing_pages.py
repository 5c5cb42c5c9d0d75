"""Posting and browsing listings through the pages; anonymity on every page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing, Organisation, Zone
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user, statements_of

FORM = {
    "kind": "offer",
    "resource": "material",
    "title": "Marc de café",
    "description": "Environ 800 kg par semaine.",
    "ewc_code": "20 01 08",
    "quantity": "800",
    "unit": "kg",
    "frequency": "weekly",
    "available_from": "2027-01-01",
    "price_terms": "free",
    "sdgs": ["12"],
}


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        firm = make_org(name="Firm A", zone=zone)
        other = make_org(name="Firm B", zone=zone)
        member = make_user(org=firm)
        stranger = make_user(org=other)
        manager = make_user(org=other, manages=[zone])
        secret = make_listing(
            org=firm,
            by=member,
            title="Solvants usagés",
            anonymous=True,
            lat="49.6123",
            lon="6.2345",
            ewc_code="160601",
        )
        db.session.commit()
        return {
            "member": member.id,
            "stranger": stranger.id,
            "manager": manager.id,
            "secret": secret.id,
            "firm": firm.id,
        }


def test_the_waste_code_picker_lists_every_code_in_the_reader_language(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    page = client.get("/listings/new").get_data(as_text=True)
    assert '<option value="15 01 03">emballages en bois</option>' in page
    assert '<option value="16 06 01*">accumulateurs au plomb ⚠</option>' in page
    assert page.count('<option value="') - page.count('<option value=""') >= 4
    # Rendered once per language: the next page reads no waste code...
    again = statements_of(app, client, "/listings/new")
    assert not [s for s in again if "FROM ewc_code" in s]
    # ...and another language gets its own labels (English where none).
    with client.session_transaction() as session:
        session["lang"] = "de"
    page = client.get("/listings/new").get_data(as_text=True)
    assert '<option value="15 01 03">Verpackungen aus Holz</option>' in page
    assert '<option value="16 06 01*">lead batteries ⚠</option>' in page


def test_the_filters_list_zones_and_waste_chapters_in_the_reader_language(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    with app.app_context():
        contern = db.session.scalar(
            sa.select(Zone.id).where(Zone.slug.like("contern%"))
        )
    page = client.get(f"/listings/?zone={contern}&chapter=15").get_data(as_text=True)
    assert f'<option value="{contern}" selected>Contern</option>' in page
    assert '<option value="15" selected>15 · Emballages</option>' in page
    assert '<option value="16" >16 · Not otherwise specified</option>' in page
    # A zone added meanwhile is offered at once; chapters are read once a language.
    with app.app_context():
        make_zone(name="Bettembourg (Scheleck)")
        db.session.commit()
    seen = statements_of(app, client, "/listings/map")
    assert not [s for s in seen if "FROM ewc_chapter" in s]
    page = client.get("/listings/map").get_data(as_text=True)
    assert ">Bettembourg</option>" in page
    # the whole country, unless filters pick some listings: then around them
    assert 'data-fit="markers"' not in page
    assert 'data-fit="markers"' in client.get("/listings/map?kind=offer").text
    with client.session_transaction() as session:
        session["lang"] = "de"
    page = client.get("/listings/").get_data(as_text=True)
    assert '<option value="15" >15 · Packaging</option>' in page  # English where none


def test_post_a_listing_through_the_form(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    assert "ewc-options" in client.get("/listings/new").get_data(as_text=True)
    response = client.post("/listings/new", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marc de café" in page
    assert "20 01 08" in page
    with app.app_context():
        listing = db.session.scalar(
            sa.select(Listing).where(Listing.title == "Marc de café")
        )
        assert float(listing.yearly_quantity) == 41.6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "1e999"}, "quantity"),
        ({"quantity": "2000000000"}, "quantity"),
        ({"title": "x" * 1_000_000}, "title"),
        ({"title": ""}, "title"),
        ({"ewc_code": "99 99 99"}, "ewc_code"),
        ({"unit": "furlong"}, "unit"),
        (
            {"available_from": "2027-05-01", "available_until": "2027-04-01"},
            "available_until",
        ),
        ({"lat": "10", "lon": "6.1"}, "lat"),
        ({"locality": "Atlantis"}, "locality"),
        ({"price_terms": "price_per_unit"}, "price_per_unit"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(
    app: Flask, client: FlaskClient, world: dict, change: dict, field: str
) -> None:
    as_user(app, client, world["member"])
    response = client.post("/listings/new", data={**FORM, **change})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 1


def test_script_in_a_title_is_shown_escaped(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    response = client.post(
        "/listings/new", data={**FORM, "title": "<script>alert(1)</script>"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_anonymous_listing_does_not_leak_in_pages(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    for viewer in ("stranger", "manager"):
        viewer_client = app.test_client()
        as_user(app, viewer_client, world[viewer])
        for url in (
            "/listings/",
            f"/listings/{world['secret']}",
            "/listings/map.geojson",
            "/listings/?q=solvants",
            "/api/v1/listings",
        ):
            text = viewer_client.get(url).get_data(as_text=True)
            assert "Solvants" in text, url
            assert "Firm A" not in text, (viewer, url)
            assert "49.6123" not in text, (viewer, url)
        assert "Solvants" not in viewer_client.get("/listings/export.csv").get_data(
            as_text=True
        )
        assert viewer_client.get(f"/organisations/{world['firm']}").status_code == 200
        org_page = viewer_client.get(f"/organisations/{world['firm']}").get_data(
            as_text=True
        )
        assert "Solvants" not in org_page
    as_user(app, client, world["member"])
    assert "Firm A" in client.get(f"/listings/{world['secret']}").get_data(as_text=True)


def test_map_data_is_geojson_at_the_zone_for_anonymous(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["stranger"])
    data = client.get("/listings/map.geojson").json
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [6.215, 49.586]
    assert feature["properties"]["organisation"] is None
    assert feature["properties"]["approximate"] is True


def test_other_firm_cannot_edit_or_close(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["stranger"])
    url = f"/listings/{world['secret']}"
    assert client.get(f"{url}/edit").status_code == 404
    assert client.post(f"{url}/edit", data=FORM).status_code == 404
    assert client.post(f"{url}/close", data={"x": "1"}).status_code == 404
    with app.app_context():
        assert db.session.get(Listing, world["secret"]).state == "active"


def test_paused_listing_is_hidden_from_others(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    client.post(f"/listings/{world['secret']}/pause", data={"x": "1"})
    other = app.test_client()
    as_user(app, other, world["stranger"])
    assert other.get(f"/listings/{world['secret']}").status_code == 404
    assert "Solvants" not in other.get("/listings/").get_data(as_text=True)
    assert client.get(f"/listings/{world['secret']}").status_code == 200
    assert "Solvants" in client.get("/listings/mine").get_data(as_text=True)


def test_edit_form_round_trip(app: Flask, client: FlaskClient, world: dict) -> None:
    as_user(app, client, world["member"])
    url = f"/listings/{world['secret']}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="16 06 01*"' in page
    response = client.post(
        url, data={**FORM, "title": "Solvants (mis à jour)", "anonymous": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        listing = db.session.get(Listing, world["secret"])
        assert listing.title == "Solvants (mis à jour)"
        assert listing.anonymous


@pytest.mark.parametrize("path", ["/listings/", "/listings/map.geojson"])
def test_the_list_and_the_map_read_no_sdgs_and_the_same_statements_for_more_rows(
    app: Flask, client: FlaskClient, world: dict, path: str
) -> None:
    as_user(app, client, world["stranger"])
    client.get(path)  # warm: the catalogs, the counts
    before = statements_of(app, client, path)
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        for n in range(7):
            make_listing(org=firm, title=f"Palettes en bois {n}", sdgs=[12, 13])
        db.session.commit()
    client.get(path)
    after = statements_of(app, client, path)
    assert len(after) == len(before)
    assert not [s for s in after if "listing_sdg" in s]


@pytest.mark.parametrize(
    ("lang", "amount", "unit", "shown"),
    [
        ("fr", "1", "pieces", "1 pièce"),
        ("fr", "12", "pieces", "12 pièces"),
        ("fr", "1.5", "hours", "1,5 heures"),
        ("fr", "2.5000", "t", "2,5 t"),
        ("fr", "1200", "kg", "1\u202f200 kg"),
        ("en", "1", "hours", "1 hour"),
        ("en", "3", "pieces", "3 pieces"),
        ("en", "1234.50", "t", "1,234.5 t"),
        ("de", "1234.5", "t", "1.234,5 t"),
        ("de", "1", "hours", "1 Stunde"),
        ("de", "4", "pieces", "4 Stück"),
    ],
)
def test_quantities_read_in_the_singular_or_the_plural(
    app: Flask, lang: str, amount: str, unit: str, shown: str
) -> None:
    from decimal import Decimal

    from flask_babel import force_locale

    from symbiosis import labels

    with app.test_request_context(), force_locale(lang):
        assert labels.quantity(Decimal(amount), unit) == shown


def test_a_single_piece_reads_in_the_singular_on_its_page(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        one = make_listing(
            org=firm,
            title="Vitrine réfrigérée",
            quantity="1",
            unit="pieces",
            frequency="once",
            price_terms="price_per_unit",
            price_per_unit="40",
        )
        db.session.commit()
        listing_id = one.id
    page = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "1 pièce · une fois" in page
    assert "40 € par pièce" in page
    assert "pièces" not in page.split("<main", 1)[1].split("Mises en relation", 1)[0]


def test_a_listing_page_reads_the_listing_and_all_it_shows_in_one_statement(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["stranger"])
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        listing = make_listing(org=firm, title="Drêches de brasserie", sdgs=[13, 12])
        db.session.commit()
        path = f"/listings/{listing.id}"
    client.get(path)  # warm: the catalogs
    seen = statements_of(app, client, path)
    page = client.get(path).get_data(as_text=True)
    reading = [s for s in seen if "FROM listing" in s]
    assert len(reading) == 1
    assert all(t in reading[0] for t in ("listing_sdg", "organisation", "zone"))
    assert page.index("ODD 12") < page.index("ODD 13")
    assert "Firm A" in page


def test_a_page_of_the_list_is_read_in_one_statement_newest_first(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["stranger"])
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        for n in range(23):
            make_listing(org=firm, title=f"Bidons {n:02d}")
        db.session.commit()
    client.get("/listings/?q=bidons&page=2")  # warm: the catalogs
    seen = statements_of(app, client, "/listings/?q=bidons&page=2")
    reading = [s for s in seen if "FROM listing" in s and "count(" not in s]
    assert len(reading) == 1
    second = client.get("/listings/?q=bidons&page=2").get_data(as_text=True)
    first = client.get("/listings/?q=bidons").get_data(as_text=True)
    assert re.findall(r"Bidons (\d\d)", second) == ["02", "01", "00"]
    assert re.findall(r"Bidons (\d\d)", first)[:2] == ["22", "21"]


@pytest.mark.parametrize(
    ("lang", "km", "shown"),
    [
        ("fr", 12.345, "12,3 km"),
        ("fr", 1234.56, "1\u202f234,6 km"),
        ("en", 12.345, "12.3 km"),
        ("de", 0.04, "0,0 km"),
    ],
)
def test_distances_read_in_the_reader_language(
    app: Flask, lang: str, km: float, shown: str
) -> None:
    from flask_babel import force_locale

    from symbiosis import formats
    from symbiosis.web.matches.explain import sentence

    with app.test_request_context(), force_locale(lang):
        assert formats.distance(km) == shown
        assert sentence({"code": "distance", "params": {"km": km}}) == shown


def test_the_list_gives_distances_with_a_french_decimal_comma(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["stranger"])
    page = client.get("/listings/").get_data(as_text=True)
    assert re.search(r" · \d+,\d km", page)
    assert not re.search(r"\d\.\d km", page)


@pytest.mark.parametrize(
    ("lang", "words", "shown"),
    [
        ("fr", ["vitrail"], "mot en commun : vitrail"),
        ("de", ["vitrail", "atelier"], "gemeinsame Wörter: vitrail, atelier"),
    ],
)
def test_words_in_common_read_in_the_reader_language(
    app: Flask, lang: str, words: list[str], shown: str
) -> None:
    from flask_babel import force_locale

    from symbiosis.web.matches.explain import sentence

    with app.test_request_context(), force_locale(lang):
        assert sentence({"code": "shared_words", "params": {"words": words}}) == shown
