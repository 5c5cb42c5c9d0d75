"""The lists a member comes back to: agreements with their next step and a
listing filter, our listings with their matches and open agreements, and
notifications with their time."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing, Match, Notification, User
from symbiosis.models.base import utcnow
from symbiosis.services import agreements
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Contern)")
        ours, theirs, third = (make_org(zone=zone) for _ in range(3))
        ua, ub, uc = (make_user(org=o) for o in (ours, theirs, third))
        pallets = make_listing(org=ours, by=ua, title="Palettes à donner")
        boxes = make_listing(org=ours, by=ua, title="Cartons à donner",
                             ewc_code="150101")  # fmt: skip
        quiet = make_listing(org=ours, by=ua, kind="request", resource="water",
                             title="Eau de refroidissement", ewc_code=None,
                             description="Eau tiède pour un circuit fermé.",
                             unit="m3")  # fmt: skip
        wanted = [
            make_listing(org=theirs, by=ub, kind="request", title=f"Palettes {n}")
            for n in range(3)
        ]
        hidden = make_listing(org=third, by=uc, kind="request", title="Palettes",
                              anonymous=True)  # fmt: skip
        # ours answers one, waits for another; one was declined (closed)
        asked = agreements.propose(ub, pallets.id, wanted[0].id, agreement_terms())
        waiting = agreements.propose(ua, pallets.id, wanted[1].id, agreement_terms())
        declined = agreements.propose(ub, pallets.id, wanted[2].id, agreement_terms())
        agreements.act(ua, declined.id, "decline", declined.version,
                       {"reason": "Déjà promis"})  # fmt: skip
        elsewhere = agreements.propose(
            uc, make_listing(org=third, by=uc, title="Palettes tierces").id,
            wanted[0].id, agreement_terms(),
        )  # fmt: skip
        on_pallets = db.session.scalars(
            sa.select(Match).where(Match.offer_id == pallets.id)
        ).all()
        on_pallets[0].dismissed_at = utcnow()
        db.session.add(
            Notification(user=ua, subject="Essai", body="Corps", link="/listings/")
        )
        db.session.commit()
        return {
            "ua": ua.id, "ub": ub.id, "asked": asked.id, "waiting": waiting.id,
            "declined": declined.id, "elsewhere": elsewhere.id,
            "pallets": pallets.id, "boxes": boxes.id, "quiet": quiet.id,
            "hidden": hidden.id, "pallet_matches": len(on_pallets) - 1,
            "box_matches": db.session.scalar(
                sa.select(sa.func.count(Match.id)).where(Match.offer_id == boxes.id)
            ),
            "quiet_title": quiet.title,
        }  # fmt: skip


def _rows(html: str) -> dict[int, str]:
    """Each table row by the first agreement or listing id it links to."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        found = re.search(r'href="/(?:agreements|listings)/(\d+)"', row)
        if found:
            rows[int(found.group(1))] = re.sub(r"\s+", " ", row)
    return rows


def test_agreements_say_what_comes_next_for_us(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    rows = _rows(as_user(app, client, world["ua"]).get("/agreements/").text)
    assert set(rows) == {world["asked"], world["waiting"], world["declined"]}
    assert "<strong>votre réponse est attendue</strong>" in rows[world["asked"]]
    assert "en attente d'une réponse" in rows[world["waiting"]]
    assert "votre réponse" not in rows[world["waiting"]]
    assert "<td>—</td>" in rows[world["declined"]]
    # the other side reads the same agreements the other way round
    theirs = _rows(as_user(app, client, world["ub"]).get("/agreements/").text)
    assert "en attente d'une réponse" in theirs[world["asked"]]
    assert "votre réponse est attendue" in theirs[world["waiting"]]


def test_agreements_of_one_listing(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["ub"])
    html = client.get(f"/agreements/?listing={world['pallets']}").text
    assert set(_rows(html)) == {world["asked"], world["waiting"], world["declined"]}
    assert "Accords sur l'annonce Palettes à donner." in html
    assert f'name="listing" value="{world["pallets"]}"' in html
    # the state filter keeps the listing
    proposed = client.get(f"/agreements/?listing={world['pallets']}&state=proposed")
    assert set(_rows(proposed.text)) == {world["asked"], world["waiting"]}
    # a listing without any of our agreements: an empty list, its title unsaid
    html = client.get(f"/agreements/?listing={world['hidden']}").text
    assert _rows(html) == {}
    assert "Accords sur l'annonce" not in html
    for bad in ("abc", "99999999", "-1", "9" * 40):
        response = client.get(f"/agreements/?listing={bad}")
        assert response.status_code == 200
        assert set(_rows(response.text)) == {
            world["asked"], world["waiting"], world["declined"], world["elsewhere"]
        }  # fmt: skip


def test_open_agreements_are_those_not_in_a_final_state(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["ua"])
    html = client.get("/agreements/?state=open").text
    assert set(_rows(html)) == {world["asked"], world["waiting"]}
    assert '<option value="open" selected>' in html
    html = client.get(f"/agreements/?listing={world['pallets']}&state=open").text
    assert set(_rows(html)) == {world["asked"], world["waiting"]}
    with app.app_context():
        from symbiosis.services.tokens import create_token

        token = create_token(db.session.get(User, world["ua"]), "t")[0]
    found = client.get(
        "/api/v1/agreements?state=open", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert {a["id"] for a in found["agreements"]} == {world["asked"], world["waiting"]}


def test_our_listings_count_matches_and_open_agreements(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    rows = _rows(as_user(app, client, world["ua"]).get("/listings/mine").text)

    def cells(listing_id: int) -> list[str]:
        found = re.findall(r'<td class="text-end">(.*?)</td>', rows[listing_id])
        return [re.sub(r"<[^>]+>|\s.*", "", cell) for cell in found]

    # the dismissed match and the declined agreement are not counted
    assert cells(world["pallets"]) == [str(world["pallet_matches"]), "2"]
    assert cells(world["boxes"]) == [str(world["box_matches"]), "0"]
    assert cells(world["quiet"]) == ["0", "0"]
    assert world["pallet_matches"] > 0
    assert f'href="/listings/{world["pallets"]}#matches"' in rows[world["pallets"]]
    open_link = f'href="/agreements/?listing={world["pallets"]}&amp;state=open"'
    assert open_link in rows[world["pallets"]]
    assert "#matches" not in rows[world["quiet"]]


def test_notifications_say_when(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = as_user(app, client, world["ua"]).get("/notifications").text
    with app.app_context():
        note = db.session.scalars(
            sa.select(Notification).where(Notification.subject == "Essai")
        ).one()
        stamp = note.created_at.isoformat()
    assert f'<time datetime="{stamp}">' in html
    # as the site writes dates, with the time ("28 nov. 2026, 11:20")
    assert re.search(
        rf'<time datetime="{re.escape(stamp)}">\d{{1,2}} \S+ \d{{4}}, \d{{2}}:\d{{2}}</time>',
        html,
    )


def test_a_listing_filter_is_no_way_to_see_other_firms_agreements(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    with app.app_context():
        outsider = make_user(org=make_org())
        db.session.commit()
        outsider_id = outsider.id
        third_listing = db.session.scalar(
            sa.select(Listing.id).where(Listing.title == "Palettes tierces")
        )
        assert db.session.get(User, outsider_id) is not None
    as_user(app, client, outsider_id)
    html = client.get(f"/agreements/?listing={third_listing}").text
    assert _rows(html) == {}
    assert "Palettes tierces" not in html
