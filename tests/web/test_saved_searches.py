"""Followed searches: follow the list's search, hear of new listings, stop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Notification, SavedSearch, User
from symbiosis.models.base import utcnow
from symbiosis.services import account_closure, saved_searches
from tests.builders import (
    PASSWORD,
    make_listing,
    make_org,
    make_reference,
    make_user,
)
from tests.conftest import as_user

FOLLOW = {"q": "palettes", "kind": "offer", "follow-name": "Palettes à reprendre"}


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Anna's firm in Gasperich follows offers; two other firms post them,
    one 5 km away and one in the north (about 60 km)."""
    with app.app_context():
        make_reference()
        ours = make_org(name="Menuiserie Gasperich")
        ours.lat, ours.lon = 49.585, 6.123
        near = make_org(name="Imprimerie Offset")
        near.lat, near.lon = 49.62, 6.16
        north = make_org(name="Scierie du Nord")
        north.lat, north.lon = 50.05, 6.0
        anna = make_user(org=ours, full_name="Anna Reding")
        other = make_user(org=near)
        db.session.commit()
        return {
            "anna": anna.id,
            "other": other.id,
            "ours": ours.id,
            "near": near.id,
            "north": north.id,
        }


def followed(app: Flask, user_id: int) -> list[SavedSearch]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(SavedSearch)
                .where(SavedSearch.user_id == user_id)
                .order_by(SavedSearch.id)
            )
        )


def test_the_list_offers_to_follow_its_search_and_follows_it(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["anna"])
    assert 'name="follow-name"' not in client.get("/listings/").get_data(as_text=True)
    page = client.get("/listings/?q=palettes&kind=offer").get_data(as_text=True)
    assert 'name="follow-name"' in page
    assert 'value="palettes · Offre"' in page  # a suggested name

    response = client.post("/listings/searches/", data=FOLLOW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/listings/?kind=offer&q=palettes"
    (search,) = followed(app, world["anna"])
    assert search.name == "Palettes à reprendre"
    assert search.filters == {"kind": "offer", "q": "palettes"}

    page = client.get("/listings/searches/").get_data(as_text=True)
    assert (
        'href="/listings/?kind=offer&amp;q=palettes">Palettes à reprendre</a>' in page
    )
    assert "<td>palettes · Offre</td>" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({**FOLLOW, "follow-name": "Autre nom"}, "sous le nom « Palettes à reprendre »"),
        ({**FOLLOW, "q": "bois", "follow-name": "palettes À REPRENDRE"},
         "Vous suivez déjà une recherche de ce nom."),
        ({**FOLLOW, "q": "bois", "follow-name": "  "}, "Donnez un nom à la recherche."),
        ({**FOLLOW, "q": "bois", "follow-name": "x" * 81}, "80 caractères au maximum."),
        ({"follow-name": "Tout"}, "Choisissez d&#39;abord un filtre"),
    ],
)  # fmt: skip
def test_a_search_that_cannot_be_followed_says_why_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    world: dict[str, Any],
    data: dict[str, str],
    error: str,
) -> None:
    as_user(app, client, world["anna"])
    client.post("/listings/searches/", data=FOLLOW)
    response = client.post("/listings/searches/", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page
    assert '<details class="mb-3 follow-search" open>' in page
    # The filters still lead to the list, not to where the form posted.
    assert 'method="get" action="/listings/"' in page
    assert len(followed(app, world["anna"])) == 1


def test_following_needs_a_valid_form_and_has_a_limit(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["anna"])
    for number in range(saved_searches.MAX_PER_USER):
        data = {"q": f"palettes {number}", "follow-name": f"Recherche {number}"}
        assert client.post("/listings/searches/", data=data).status_code == 302
    response = client.post("/listings/searches/", data=FOLLOW)
    assert response.status_code == 422
    assert "Vous suivez déjà 20 recherches" in response.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/listings/searches/", data=FOLLOW).status_code == 400
    assert len(followed(app, world["anna"])) == saved_searches.MAX_PER_USER


def test_only_its_owner_stops_following_a_search(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["anna"])
    client.post("/listings/searches/", data=FOLLOW)
    (search,) = followed(app, world["anna"])
    as_user(app, client, world["other"])
    assert client.post(f"/listings/searches/{search.id}/stop").status_code == 404
    assert "Palettes" not in client.get("/listings/searches/").get_data(as_text=True)
    as_user(app, client, world["anna"])
    response = client.post(f"/listings/searches/{search.id}/stop")
    assert response.status_code == 302
    assert followed(app, world["anna"]) == []


def _post(org_id: int, title: str, **fields: Any) -> None:
    from symbiosis.models import Organisation

    org = db.session.get(Organisation, org_id)
    assert org is not None
    make_listing(org=org, title=title, **fields)


def _notices(user_id: int) -> list[Notification]:
    """The user's notices of followed searches (not those of new matches)."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.link.startswith("/listings/?"),
            )
            .order_by(Notification.id)
        )
    )


def test_each_day_a_search_tells_what_others_posted_since(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["anna"])
    with app.app_context():
        _post(world["near"], "Palettes d'avant")  # posted before following
    client.post("/listings/searches/", data=FOLLOW)
    client.post(
        "/listings/searches/",
        data={"q": "palettes", "within_km": "20", "follow-name": "Palettes proches"},
    )
    with app.app_context():
        for n in range(6):
            _post(world["near"], f"Palettes EUR lot {n}")
        _post(world["north"], "Palettes du nord")
        _post(world["ours"], "Palettes de chez nous")  # our own: left out
        _post(world["near"], "Palettes demandées", kind="request")
        _post(world["near"], "Cartons propres", description="Cartons pliés.")

        assert saved_searches.alert(utcnow() + timedelta(seconds=1)) == 2
        first, second = _notices(world["anna"])
        assert first.subject == (
            "7 nouvelles annonces pour votre recherche « Palettes à reprendre »"
        )
        assert first.body.splitlines() == [
            "– Palettes du nord",
            *[f"– Palettes EUR lot {n}" for n in (5, 4, 3, 2)],
            "et 2 autres.",
        ]
        assert first.link == "/listings/?kind=offer&q=palettes"
        # Within 20 km: not the north, and the request counts too.
        assert second.subject == (
            "7 nouvelles annonces pour votre recherche « Palettes proches »"
        )
        assert "Palettes du nord" not in second.body

        # The next day, nothing new: no second notice.
        assert saved_searches.alert(utcnow() + timedelta(days=1)) == 0
        assert len(_notices(world["anna"])) == 2
        search = followed(app, world["anna"])[0]
        assert search.alerted_at is not None

    page = client.get("/listings/searches/").get_data(as_text=True)
    assert "aucune pour l&#39;instant" not in page


def test_the_alert_command_and_a_closed_account(
    app: Flask, world: dict[str, Any]
) -> None:
    with app.app_context():
        anna = db.session.get(User, world["anna"])
        assert anna is not None
        saved_searches.follow(anna, {"q": "palettes"}, "Palettes")
        other = db.session.get(User, world["other"])
        assert other is not None
        saved_searches.follow(other, {"q": "palettes"}, "Palettes")
        other.active = False
        db.session.commit()
        _post(world["north"], "Palettes du nord")
    result = app.test_cli_runner().invoke(args=["listings", "alerts"])
    assert result.exit_code == 0, result.output
    assert "1 followed searches found new listings" in result.output
    with app.app_context():
        assert len(_notices(world["anna"])) == 1
        assert _notices(world["other"]) == []


def test_the_alert_reads_searches_chunk_by_chunk(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of one: every search still looks once, and a closed account's
    search between two chunks is still skipped."""
    monkeypatch.setattr(saved_searches, "CHUNK", 1)
    with app.app_context():
        anna = db.session.get(User, world["anna"])
        other = db.session.get(User, world["other"])
        assert anna is not None
        assert other is not None
        saved_searches.follow(anna, {"q": "palettes"}, "Palettes")
        saved_searches.follow(other, {"q": "palettes"}, "Palettes")
        saved_searches.follow(anna, {"q": "cartons"}, "Cartons")
        other.active = False
        db.session.commit()
        _post(world["north"], "Palettes du nord")
        _post(world["north"], "Cartons du nord")
        assert saved_searches.alert(utcnow() + timedelta(seconds=1)) == 2
        assert [n.subject.rsplit("« ", 1)[1] for n in _notices(world["anna"])] == [
            "Palettes »",
            "Cartons »",
        ]
        assert _notices(world["other"]) == []
        assert saved_searches.alert(utcnow() + timedelta(days=1)) == 0


def test_ones_data_holds_the_searches_and_closing_the_account_drops_them(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["anna"])
    client.post("/listings/searches/", data=FOLLOW)
    data = client.get("/account/data.json").get_json()
    (search,) = data["followed_searches"]
    assert search["name"] == "Palettes à reprendre"
    assert search["filters"] == {"kind": "offer", "q": "palettes"}
    assert search["last_notice_at"] is None
    with app.app_context():
        anna = db.session.get(User, world["anna"])
        assert anna is not None
        account_closure.close(anna, PASSWORD)
        assert db.session.scalar(sa.select(sa.func.count(SavedSearch.id))) == 0
