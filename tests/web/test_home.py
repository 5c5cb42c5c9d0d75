"""The home page: what waits for a member's organisation, a zone manager's
decisions and the next events, each part with its rows and its count."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Listing, Match, User
from symbiosis.models.base import utcnow
from symbiosis.services import agreements, event_registrations, home, pooled
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user, statements_of
from tests.event_builders import EVENT, make_event, registration

POOL = {
    "category": "waste_collection",
    "title": "Collecte mutualisée des cartons",
    "description": "Un passage par semaine.",
    "cost_split": "equal",
}


def _agreement(
    by: User, offer: int, request: int, *, steps: tuple[tuple[User, str], ...] = ()
) -> int:
    made = agreements.propose(by, offer, request, agreement_terms())
    for actor, action in steps:
        made = agreements.act(actor, made.id, action, made.version)
    return made.id


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone, elsewhere = make_zone(name="Foetz (Mondercange)"), make_zone()
        ours, theirs, third = (make_org(zone=zone) for _ in range(3))
        ua, ub, uc = (make_user(org=o) for o in (ours, theirs, third))
        offer = [
            make_listing(org=ours, by=ua, title=f"Palettes lot {n}") for n in range(5)
        ]
        wanted = [
            make_listing(org=theirs, by=ub, kind="request", title=f"Palettes {n}")
            for n in range(4)
        ]
        from_third = make_listing(
            org=third, by=uc, kind="request", title="Palettes lot 1", anonymous=True
        )
        ids = {
            "answer": _agreement(ub, offer[0].id, wanted[0].id),
            "mine": _agreement(ua, offer[1].id, from_third.id),
            "start": _agreement(ub, offer[2].id, wanted[1].id, steps=((ua, "accept"),)),
            "active": _agreement(
                ub, offer[3].id, wanted[2].id, steps=((ua, "accept"), (ub, "start"))
            ),
            # between two other firms: never on our page
            "others": _agreement(
                ub, make_listing(org=third, by=uc, title="Cartons").id, wanted[3].id
            ),
        }
        today = date.today()
        soon = make_listing(org=ours, by=ua, title="Sciure bientôt finie",
                            available_until=(today + timedelta(days=5)).isoformat())  # fmt: skip
        later = make_listing(org=ours, by=ua, title="Sciure pour longtemps",
                             available_until=(today + timedelta(days=60)).isoformat())  # fmt: skip
        # An old match and a dismissed one are not new.
        matches = db.session.scalars(
            sa.select(Match)
            .join(Listing, Listing.id == Match.offer_id)
            .where(Listing.organisation_id == ours.id)
        ).all()
        assert len(matches) >= 3, "our offers were matched with the requests"
        old, dismissed = matches[0], matches[1]
        old.created_at = utcnow() - timedelta(days=40)
        dismissed.dismissed_at = utcnow()
        network = make_org(name="Réseau", kind="association")
        manager = make_user(org=network, manages=[zone])
        facilitator = make_user(org=network, facilitator=True)
        pooled.propose(ua, zone, POOL)
        pooled.propose(make_user(org=make_org(zone=elsewhere)), elsewhere,
                       {**POOL, "title": "Navette d'une autre zone"})  # fmt: skip
        evening = make_event(
            facilitator,
            title="Soirée du Sud",
            date=(today + timedelta(days=10)).isoformat(),
        )
        event_registrations.register(ua, evening.id, ours.id,
                        registration("Palettes", "Cartons", "12", "Inclusion"))  # fmt: skip
        make_event(facilitator, open_=False, title="Brouillon caché",
                   date=(today + timedelta(days=5)).isoformat())  # fmt: skip
        make_event(facilitator, title="Soirée passée",
                   date=(today - timedelta(days=5)).isoformat())  # fmt: skip
        pending = make_user(org=ours, role="pending")
        db.session.commit()
        return {
            "ua": ua.id, "ub": ub.id, "manager": manager.id, "ids": ids,
            "soon": soon.id, "later": later.id, "new": len(matches) - 2,
            "old": old.id, "dismissed": dismissed.id, "third": third.name,
            "pending": pending.id,
        }  # fmt: skip


def _part(html: str, part: str) -> str:
    """The card of one part of the overview ('' when the page has none)."""
    found = re.search(
        rf'<section class="card[^"]*" aria-labelledby="{part}">(.*?)</section>',
        html,
        re.S,
    )
    return found.group(1) if found else ""


def _links(html: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{prefix}(\d+)"', html)}


def test_a_member_sees_what_waits_for_the_organisation(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = as_user(app, client, world["ua"]).get("/").text
    ids = world["ids"]
    assert _links(_part(html, "to-answer"), "/agreements/") == {ids["answer"]}
    assert _links(_part(html, "to-start"), "/agreements/") == {ids["start"]}
    assert _links(_part(html, "under-way"), "/agreements/") == {ids["active"]}
    assert "1 proposition de votre part attend la réponse" in html
    assert ids["others"] not in _links(html, "/agreements/")
    ending = _part(html, "ending")
    assert _links(ending, "/listings/") == {world["soon"]}
    assert f'href="/listings/{world["soon"]}/edit"' in ending
    news = _part(html, "new-matches")
    assert f'<span class="badge text-bg-secondary">{world["new"]}</span>' in news
    # the anonymous request's firm stays hidden
    assert world["third"] not in news
    assert "anonyme" in news
    # the draft and past evenings are not announced; ours is marked registered
    assert "Soirée du Sud" in html
    assert "inscrite" in html
    assert "Brouillon caché" not in html
    assert "Soirée passée" not in html
    # a member decides no pooled service
    assert _part(html, "pools") == ""


def test_new_matches_leave_out_old_and_dismissed_ones(
    ctx: Flask, world: dict[str, Any]
) -> None:
    user = db.session.get(User, world["ua"])
    found = home.overview(user)
    assert found.new_matches.total == world["new"]
    shown = {m.id for m in found.new_matches.rows}
    assert world["old"] not in shown
    assert world["dismissed"] not in shown
    scores = [m.score for m in found.new_matches.rows]
    assert scores == sorted(scores, reverse=True)
    assert len(found.new_matches.rows) == min(world["new"], home.SHOWN)
    assert (found.to_answer.total, found.awaiting_them) == (1, 1)
    assert not found.nothing_to_do


def test_the_proposer_waits_for_answers_and_has_none_to_give(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = as_user(app, client, world["ub"]).get("/").text
    ids = world["ids"]
    # its own proposals (to us and to the third firm) wait for answers
    assert _part(html, "to-answer") == ""
    assert "2 propositions de votre part attendent la réponse" in html
    assert _links(_part(html, "under-way"), "/agreements/") == {ids["active"]}


def test_a_zone_manager_sees_the_pooled_services_to_decide(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = as_user(app, client, world["manager"]).get("/").text
    pools = _part(html, "pools")
    assert "Collecte mutualisée des cartons" in pools
    assert "Navette d'une autre zone" not in pools
    assert 'href="/pooled/?state=proposed"' in pools


def test_a_pending_member_sees_no_organisation_work(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = as_user(app, client, world["pending"]).get("/").text
    assert "attend la réponse de ses" in html
    assert 'id="todo"' not in html
    assert "/agreements/" not in re.sub(r"<nav.*?</nav>", "", html, flags=re.S)
    assert "Soirée du Sud" in html  # events are open to everyone signed in


def test_nothing_to_do_says_so(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_reference()
        lone = make_user(org=make_org(zone=make_zone()))
        db.session.commit()
        user_id = lone.id
    html = as_user(app, client, user_id).get("/").text
    assert "Rien n'attend votre réponse" in html
    assert "Aucun événement à venir." in html
    assert EVENT["title"] not in html


def test_the_home_page_reads_as_many_statements_whatever_the_rows(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["ua"])
    before = len(statements_of(app, client, "/"))
    with app.app_context():
        ua, ub = db.session.get(User, world["ua"]), db.session.get(User, world["ub"])
        for n in range(4):  # more rows in every part the member sees
            offer = make_listing(org=ua.organisation, by=ua, title=f"Planches {n}",
                                 anonymous=bool(n % 2))  # fmt: skip
            wanted = make_listing(org=ub.organisation, by=ub, kind="request",
                                  title=f"Planches {n}", anonymous=bool(n % 2))  # fmt: skip
            _agreement(ub, offer.id, wanted.id, steps=((ua, "accept"),) * (n % 2))
        db.session.commit()
    assert len(statements_of(app, client, "/")) == before
