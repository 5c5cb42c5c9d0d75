"""Closing one's own account, and downloading a copy of one's data."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import (
    ActivityEntry,
    ApiToken,
    Listing,
    Notification,
    Organisation,
    OrgRole,
    User,
    Zone,
)
from symbiosis.services import notify, tokens
from tests.builders import (
    PASSWORD,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """A firm of an admin and a member who posted a listing, with a notice
    and an API token; a second firm with one admin alone; two facilitators."""
    with app.app_context():
        make_reference()
        zone = make_zone()
        firm = make_org(name="Boulangerie du Sud", zone=zone)
        admin = make_user(org=firm, role="admin", email="admin@boulangerie.lu")
        member = make_user(org=firm, email="lea@boulangerie.lu", manages=[zone])
        listing = make_listing(org=firm, by=member, title="Pain rassis")
        notify.notify(member, "Nouvelle piste", "Du pain pour une brasserie")
        tokens.create_token(member, "tableur")
        alone_org = make_org(name="Atelier Seul", zone=zone)
        alone = make_user(org=alone_org, role="admin", email="seul@atelier.lu")
        own = make_listing(org=alone_org, by=alone, title="Chutes de bois")
        paused = make_listing(org=alone_org, by=alone, title="Sciure")
        paused.state = "paused"
        first = make_user(facilitator=True, email="facilitateur@reseau.lu")
        second = make_user(facilitator=True, email="autre.facilitateur@reseau.lu")
        db.session.commit()
        return {
            "zone": zone.id, "firm": firm.id, "admin": admin.id, "member": member.id,
            "listing": listing.id, "alone": alone.id, "alone_org": alone_org.id,
            "own": own.id, "paused": paused.id, "first": first.id,
            "second": second.id,
        }  # fmt: skip


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    return as_user(app, app.test_client(), user_id)


def close(client: FlaskClient, password: str = PASSWORD, understood: bool = True):
    data = {"close-password": password}
    if understood:
        data["close-understood"] = "y"
    return client.post("/account/close", data=data)


def test_a_member_closes_the_account_and_the_organisation_keeps_its_work(
    app: Flask, world: dict[str, int]
) -> None:
    client = signed_in(app, world["member"])
    page = client.get("/account/").get_data(as_text=True)
    assert 'action="/account/close#account-close"' in page

    # bad input: an error next to the field, nothing deleted
    wrong = close(client, "not my password")
    assert wrong.status_code == 400
    assert 'id="close-password-error"' in wrong.get_data(as_text=True)
    unticked = close(client, understood=False)
    assert unticked.status_code == 400
    assert 'id="close-understood-error"' in unticked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["member"]) is not None

    done = close(client)
    assert done.status_code == 302
    assert done.headers["Location"] == "/"
    assert client.get("/account/").status_code == 302  # signed out
    response = client.post(
        "/login", data={"email": "lea@boulangerie.lu", "password": PASSWORD}
    )
    assert response.status_code == 400

    with app.app_context():
        assert db.session.get(User, world["member"]) is None
        listing = db.session.get(Listing, world["listing"])
        assert listing is not None
        assert listing.state == "active"  # the admin still answers for it
        assert listing.created_by_id is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
        # the member's notices went with the account; the admin heard of it
        assert db.session.execute(
            sa.select(Notification.user_id, Notification.subject)
        ).all() == [(world["admin"], "Test Person a quitté Boulangerie du Sud")]
        zone = db.session.get(Zone, world["zone"])
        assert zone is not None
        assert zone.managers == []
        [entry] = db.session.scalars(
            sa.select(ActivityEntry).where(ActivityEntry.action == "membership.closed")
        )
        assert entry.actor_id is None
        assert entry.organisation_id == world["firm"]
        assert entry.details is None


def test_the_last_member_pauses_the_organisation_s_listings(
    app: Flask, world: dict[str, int]
) -> None:
    assert close(signed_in(app, world["alone"])).status_code == 302
    with app.app_context():
        states = {
            x.id: x.state
            for x in db.session.scalars(
                sa.select(Listing).where(Listing.organisation_id == world["alone_org"])
            )
        }
        assert states == {world["own"]: "paused", world["paused"]: "paused"}
        entry = db.session.scalar(
            sa.select(ActivityEntry).where(ActivityEntry.action == "membership.closed")
        )
        assert entry is not None
        assert entry.details == {"paused_listings": 1}


def test_the_last_administrator_of_a_team_names_another_first(
    app: Flask, world: dict[str, int]
) -> None:
    client = signed_in(app, world["admin"])
    page = client.get("/account/").get_data(as_text=True)
    assert "dernier administrateur" in page
    assert 'action="/account/close' not in page
    refused = close(client)
    assert refused.status_code == 400
    assert "dernier administrateur" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["admin"]) is not None
        member = db.session.get(User, world["member"])
        assert member is not None
        member.org_role = OrgRole.ADMIN
        db.session.commit()
    assert close(client).status_code == 302


def test_the_network_keeps_a_facilitator(app: Flask, world: dict[str, int]) -> None:
    assert close(signed_in(app, world["first"])).status_code == 302
    last = signed_in(app, world["second"])
    refused = close(last)
    assert refused.status_code == 400
    assert "seul facilitateur du réseau" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["second"]) is not None


def test_a_user_downloads_a_copy_of_their_own_data(
    app: Flask, world: dict[str, int]
) -> None:
    response = signed_in(app, world["member"]).get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "lea@boulangerie.lu"
    assert data["organisation"] == {
        "id": world["firm"], "name": "Boulangerie du Sud", "role": "member"
    }  # fmt: skip
    assert [z["id"] for z in data["managed_zones"]] == [world["zone"]]
    assert [t["name"] for t in data["api_tokens"]] == ["tableur"]
    assert "digest" not in data["api_tokens"][0]
    assert [x["title"] for x in data["listings_posted"]] == ["Pain rassis"]
    assert [n["subject"] for n in data["notifications"]] == ["Nouvelle piste"]
    # another user's copy holds none of this
    other = signed_in(app, world["admin"]).get("/account/data.json")
    theirs = json.loads(other.get_data(as_text=True))
    assert theirs["account"]["email"] == "admin@boulangerie.lu"
    assert theirs["notifications"] == theirs["listings_posted"] == []


def test_a_member_leaves_the_organisation_and_keeps_the_account(
    app: Flask, world: dict[str, int]
) -> None:
    client = signed_in(app, world["member"])
    page = client.get("/account/").get_data(as_text=True)
    # the button is behind a disclosure that says what leaving means
    assert "<summary" in page
    assert "Quitter Boulangerie du Sud" in page
    assert "Oui, quitter Boulangerie du Sud" in page
    assert 'action="/account/leave"' in page
    assert client.post("/account/leave").status_code == 302
    with app.app_context():
        member = db.session.get(User, world["member"])
        assert member is not None
        assert (member.organisation_id, member.org_role) == (None, None)
        listing = db.session.get(Listing, world["listing"])
        assert listing is not None
        assert listing.state == "active"  # the admin still answers for it
        told = db.session.scalars(
            sa.select(Notification.subject).where(
                Notification.user_id == world["admin"]
            )
        ).all()
        assert told == ["Test Person a quitté Boulangerie du Sud"]
        entry = db.session.scalar(
            sa.select(ActivityEntry).where(ActivityEntry.action == "membership.left")
        )
        assert entry is not None
        assert entry.actor_id == world["member"]
    # the account goes on, now free to ask to join another
    page = client.get("/account/").get_data(as_text=True)
    assert 'action="/account/join#account-organisation"' in page


def test_the_last_administrator_does_not_leave_a_team_behind(
    app: Flask, world: dict[str, int]
) -> None:
    client = signed_in(app, world["admin"])
    refused = client.post("/account/leave", follow_redirects=True)
    assert "dernier administrateur" in refused.get_data(as_text=True)
    with app.app_context():
        admin = db.session.get(User, world["admin"])
        assert admin is not None
        assert admin.org_role == "admin"
    # alone, one may go; the listings nobody answers for are paused
    assert signed_in(app, world["alone"]).post("/account/leave").status_code == 302
    with app.app_context():
        own = db.session.get(Listing, world["own"])
        assert own is not None
        assert own.state == "paused"


def test_a_pending_request_is_withdrawn(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        asking = make_user(email="sam@example.lu")
        firm = db.session.get(Organisation, world["firm"])
        asking.organisation = firm
        asking.org_role = OrgRole.PENDING
        db.session.commit()
        asking_id = asking.id
    client = signed_in(app, asking_id)
    page = client.get("/account/").get_data(as_text=True)
    assert "Retirer la demande" in page
    assert client.post("/account/leave").status_code == 302
    with app.app_context():
        asking = db.session.get(User, asking_id)
        assert asking is not None
        assert asking.organisation_id is None
        # withdrawing tells nobody and logs nothing
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(ActivityEntry))
            == 0
        )
