"""Who posted an anonymous listing, on pages that show many listings.

A firm learns who posted an anonymous listing once the terms of an agreement
on it are accepted; nobody else does. Pages and API answers that show a list
ask once for the listings they show (``authz.learn_owners``), not once per
listing, and not for every agreement the viewer's organisation ever signed.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import User
from symbiosis.services import agreements
from tests import builders as b
from tests.conftest import as_user, statements_of

TITLE = "Palettes en bois"


def _agree(asker: User, offer_id: int, request_id: int) -> Any:
    return agreements.propose(asker, offer_id, request_id, b.agreement_terms())


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """The viewer's firm asks for pallets. Three firms offer them anonymously:
    with the first the terms are accepted, with the second only proposed, and
    the third agreed with someone else."""
    with app.app_context():
        b.make_reference()
        zone = b.make_zone()
        viewer_org = b.make_org(name="Firme Lectrice", zone=zone)
        viewer = b.make_user(org=viewer_org)
        ask = b.make_listing(org=viewer_org, by=viewer, kind="request", title=TITLE)
        names, offers, people = [], [], []
        for n in range(3):
            org = b.make_org(name=f"Firme Cachée {n}", zone=zone)
            person = b.make_user(org=org)
            offers.append(
                b.make_listing(org=org, by=person, title=f"{TITLE} {n}", anonymous=True)
            )
            names.append(org.name)
            people.append(person)
        outsider_org = b.make_org(name="Firme Tierce", zone=zone)
        outsider = b.make_user(org=outsider_org)
        other_ask = b.make_listing(
            org=outsider_org, by=outsider, kind="request", title=TITLE
        )
        accepted = _agree(viewer, offers[0].id, ask.id)
        agreements.act(people[0], accepted.id, "accept", accepted.version)
        _agree(viewer, offers[1].id, ask.id)  # proposed only
        elsewhere = _agree(outsider, offers[2].id, other_ask.id)
        agreements.act(people[2], elsewhere.id, "accept", elsewhere.version)
        db.session.commit()
        return {"viewer": viewer.id, "names": names}


def test_the_list_names_only_the_firm_the_viewer_agreed_with(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["viewer"])
    page = client.get("/listings/?kind=offer").text
    assert world["names"][0] in page
    assert world["names"][1] not in page
    assert world["names"][2] not in page
    answer = client.get("/api/v1/listings?kind=offer").json
    shown = {item["title"]: item["organisation"] for item in answer["listings"]}
    assert shown[f"{TITLE} 0"]["name"] == world["names"][0]
    assert shown[f"{TITLE} 1"] is None
    assert shown[f"{TITLE} 2"] is None


@pytest.mark.parametrize("path", ["/listings/?kind=offer", "/api/v1/listings"])
def test_one_statement_asks_about_the_listings_shown_whatever_their_number(
    app: Flask, client: FlaskClient, world: dict[str, Any], path: str
) -> None:
    as_user(app, client, world["viewer"])
    client.get(path)  # warm: the catalogs, the counts
    before = statements_of(app, client, path)
    asked = [s for s in before if "FROM agreement" in s]
    assert len(asked) == 1
    assert "offer_id IN" in asked[0]  # the listings of the page, not all
    with app.app_context():
        for n in range(5):
            org = b.make_org(name=f"Autre Firme {n}")
            b.make_listing(org=org, title=f"Bidons {n}", anonymous=True)
        db.session.commit()
    client.get(path)
    after = statements_of(app, client, path)
    assert len(after) == len(before)


def test_a_listing_page_alone_asks_about_that_listing(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["viewer"])
    with app.app_context():
        ids = {
            name: db.session.scalar(
                sa.text(
                    "SELECT listing.id FROM listing JOIN organisation"
                    " ON organisation.id = listing.organisation_id"
                    " WHERE organisation.name = :name"
                ),
                {"name": name},
            )
            for name in world["names"]
        }
    first, second = (ids[name] for name in world["names"][:2])
    assert world["names"][0] in client.get(f"/listings/{first}").text
    assert world["names"][1] not in client.get(f"/listings/{second}").text
