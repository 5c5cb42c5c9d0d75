"""Pages that repeat a form (a list's buttons) keep every id unique, and the
repeated forms still carry a CSRF token that passes."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Match
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user, repeated_ids


@pytest.fixture
def world(app: Flask) -> dict:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        a, b = make_org(name="Firm A", zone=zone), make_org(name="Firm B", zone=zone)
        user_a, user_b = make_user(org=a), make_user(org=b)
        make_user(org=a, manages=[zone])
        make_user(org=b, manages=[zone])
        facilitator = make_user(org=None, role=None, facilitator=True)
        for title in ("Palettes en bois", "Palettes EUR usagées"):
            make_listing(org=a, by=user_a, title=title)
        request = make_listing(
            org=b, by=user_b, kind="request", title="Holzpaletten gesucht"
        )
        db.session.commit()
        matches = db.session.scalars(
            sa.select(Match.id).where(Match.request_id == request.id)
        ).all()
        assert len(matches) == 2
        return {
            "b": user_b.id,
            "facilitator": facilitator.id,
            "request": request.id,
            "matches": matches,
        }


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("b", "/listings/{request}"),  # its matches and the owner's buttons
        ("b", "/matches/"),
        ("facilitator", "/admin/zones"),  # a zone with two managers
        ("b", "/account/"),
    ],
)
def test_no_id_is_repeated(
    app: Flask, client: FlaskClient, world: dict, who: str, path: str
) -> None:
    as_user(app, client, world[who])
    assert repeated_ids(app, client, path.format(**world)) == []


def test_the_account_page_index_reaches_every_section(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["b"])
    page = client.get("/account/").get_data(as_text=True)
    index = page.split('aria-label="Sections de cette page"')[1].split("</nav>")[0]
    targets = re.findall(r'href="#([\w-]+)"', index)
    assert len(targets) == 8
    sections = re.findall(r'<section[^>]*\sid="([\w-]+)"', page)
    assert targets == sections  # in the page's order, none missing


def test_a_repeated_form_passes_the_csrf_check(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    as_user(app, client, world["b"])
    page = client.get(f"/listings/{world['request']}").get_data(as_text=True)
    match_id = world["matches"][1]
    form = re.search(
        rf'action="/matches/{match_id}/dismiss".*?name="csrf_token"[^>]*value="([^"]+)"',
        page,
        re.S,
    )
    assert form is not None
    refused = client.post(f"/matches/{match_id}/dismiss", data={"reason": "x"})
    assert refused.status_code == 400
    done = client.post(
        f"/matches/{match_id}/dismiss",
        data={"csrf_token": form.group(1), "reason": "Trop loin"},
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Match, match_id).dismissed_at is not None
