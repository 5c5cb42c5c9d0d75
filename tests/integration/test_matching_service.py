"""Matching with the database: runs on posting, batch, dismissals, notifications."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Listing, Match, Notification
from symbiosis.services import listings, matching, proposals
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone


@pytest.fixture
def world(ctx: Flask) -> dict:
    make_reference()
    zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
    a = make_org(name="Firm A", zone=zone)
    b = make_org(name="Firm B", zone=zone)
    c = make_org(name="Firm C", zone=zone)
    users = {name: make_user(org=org) for name, org in (("a", a), ("b", b), ("c", c))}
    db.session.commit()
    return {
        "zone": zone,
        "a": a,
        "b": b,
        "c": c,
        **{f"user_{k}": v for k, v in users.items()},
    }


def pairs() -> set[tuple[int, int]]:
    return {
        (o, r)
        for o, r in db.session.execute(sa.select(Match.offer_id, Match.request_id))
    }


def test_posting_a_listing_proposes_matches_at_once(world: dict) -> None:
    offer = make_listing(org=world["a"], by=world["user_a"], title="Palettes en bois")
    request = make_listing(
        org=world["b"],
        by=world["user_b"],
        kind="request",
        title="Holzpaletten gesucht",
        quantity="40",
        unit="t",
        frequency="yearly",
    )
    assert pairs() == {(offer.id, request.id)}
    match = db.session.scalar(sa.select(Match))
    assert match.reasons[0] == {"code": "same_ewc", "params": {"code": "150103"}}
    assert match.score >= 70
    # Both firms were told (a good match), once.
    told = {n.user_id for n in db.session.scalars(sa.select(Notification))}
    assert told == {world["user_a"].id, world["user_b"].id}
    matching.match_listing(request.id)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_several_new_proposals_make_one_notice_per_member_and_listing(
    world: dict,
) -> None:
    german = make_user(org=world["a"], locale="de")
    requests = [
        make_listing(
            org=world["b"],
            by=world["user_b"],
            kind="request",
            title=f"Holzpaletten gesucht {n}",
            lat=f"49.5{n}",
            lon="6.2",
        )
        for n in range(3)
    ]
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    offer = make_listing(org=world["a"], by=world["user_a"], title="Palettes en bois")
    good = db.session.scalars(
        sa.select(Match).where(Match.offer_id == offer.id, Match.score >= 70)
    ).all()
    assert len(good) == 3

    def notices(user_id: int) -> list[Notification]:
        return list(
            db.session.scalars(
                sa.select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.link)
            )
        )

    # The offer's side: one notice each, naming the three requests, best first,
    # in the member's own language.
    (french,) = notices(world["user_a"].id)
    assert french.subject == "3 nouvelles mises en relation pour « Palettes en bois »"
    assert french.link == f"/listings/{offer.id}#matches"
    lines = french.body.splitlines()
    assert sorted(lines) == sorted(
        f"« {r.title} » obtient {round(m.score)}/100."
        for r in requests
        for m in good
        if m.request_id == r.id
    )
    scores = [int(line.rsplit(" ", 1)[1].split("/")[0]) for line in lines]
    assert scores == sorted(scores, reverse=True)
    (in_german,) = notices(german.id)
    assert in_german.subject == "3 neue Vorschläge für „Palettes en bois“"
    # The requests' side: one notice per request, each about the one offer.
    told_b = notices(world["user_b"].id)
    assert sorted(n.link for n in told_b) == sorted(
        f"/listings/{r.id}#matches" for r in requests
    )
    assert all(n.body.startswith("« Palettes en bois » obtient") for n in told_b)


def test_a_notice_names_the_best_proposals_and_counts_the_rest(ctx: Flask) -> None:
    from symbiosis.services.match_notices import SHOWN, _notice

    found = [(70.0 + n, f"Lot {n}") for n in range(SHOWN + 2)]
    subject, body = _notice("Palettes", found)
    assert subject == f"{SHOWN + 2} nouvelles mises en relation pour « Palettes »"
    lines = body.splitlines()
    assert lines[0] == f"« Lot {SHOWN + 1} » obtient {70 + SHOWN + 1}/100."
    assert lines[SHOWN - 1] == "« Lot 2 » obtient 72/100."
    assert lines[SHOWN:] == ["Et 2 autres."]


def test_closing_a_listing_withdraws_its_matches(world: dict) -> None:
    offer = make_listing(org=world["a"], by=world["user_a"])
    make_listing(org=world["b"], by=world["user_b"], kind="request", title="Palettes")
    listings.apply_action(world["user_a"], offer, "close")
    assert pairs() == set()
    listings.apply_action(world["user_a"], offer, "reopen")
    assert len(pairs()) == 1


def test_dismissed_match_is_not_proposed_again(world: dict) -> None:
    offer = make_listing(org=world["a"], by=world["user_a"])
    request = make_listing(
        org=world["b"], by=world["user_b"], kind="request", title="Palettes"
    )
    match = db.session.scalar(sa.select(Match))
    with pytest.raises(NotAllowed):
        proposals.dismiss(world["user_c"], match.id, "not mine")
    proposals.dismiss(world["user_b"], match.id, "Trop loin pour nous")
    matching.match_listing(offer.id)
    matching.run_batch()
    assert proposals.visible_matches(world["user_b"], request) == []
    kept = db.session.get(Match, match.id)
    assert kept.dismiss_reason == "Trop loin pour nous"
    assert kept.dismissed_by_id == world["user_b"].id


def test_batch_and_incremental_store_the_same_top_lists(world: dict) -> None:
    for n in range(6):
        make_listing(
            org=world["a"],
            by=world["user_a"],
            title=f"Palettes en bois lot {n}",
            lat=f"49.5{n}",
            lon="6.2",
        )
    for n in range(4):
        make_listing(
            org=world["b"],
            by=world["user_b"],
            kind="request",
            title=f"Holzpaletten {n}",
            lat=f"49.6{n}",
            lon="6.1",
        )
    ids = list(db.session.scalars(sa.select(Listing.id)))

    def top_lists() -> dict[int, list[tuple[int, int]]]:
        lists = {}
        for listing_id in ids:
            listing = db.session.get(Listing, listing_id)
            shown = proposals.visible_matches(
                world["user_a"]
                if listing.organisation_id == world["a"].id
                else world["user_b"],
                listing,
                limit=matching.TOP,
            )
            lists[listing_id] = [(m.offer_id, m.request_id) for m in shown]
        return lists

    incremental = top_lists()
    matching.run_batch()
    assert top_lists() == incremental


def test_zone_pooling_and_combination(world: dict) -> None:
    for org, user in (("a", "user_a"), ("b", "user_b"), ("c", "user_c")):
        make_listing(
            org=world[org],
            by=world[user],
            kind="request",
            title="Palettes en bois",
            quantity="1",
            unit="t",
            frequency="monthly",
        )
    groups = proposals.pooling_for(world["zone"].id)
    assert len(groups) == 1
    assert groups[0]["organisations"] == 3
    assert groups[0]["totals"] == {"t": 36.0}
    big = db.session.scalars(sa.select(Listing)).first()
    listings.update_listing(
        world["user_a"], big, {"quantity": "100", "frequency": "yearly"}
    )
    other = make_org(name="Firm D", zone=world["zone"])
    seller = make_user(org=other)
    for n, amount in enumerate(("60", "50")):
        make_listing(
            org=other,
            by=seller,
            title=f"Palettes EUR {n}",
            quantity=amount,
            unit="t",
            frequency="yearly",
            lat=f"49.5{n}",
            lon="6.2",
        )
    offers, percent = proposals.combination_for(big)
    assert len(offers) == 2
    assert percent == 100


def test_a_large_index_is_built_by_a_thread_while_pages_go_on(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for org, user in (("a", "user_a"), ("b", "user_b"), ("c", "user_c")):
        make_listing(
            org=world[org], by=world[user], kind="request",
            title="Palettes en bois", quantity="1", unit="t", frequency="monthly",
        )  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(matching, "PAGE_BUILD_MAX", 0)  # every index is "large"
    monkeypatch.setattr(matching, "_cache", matching.IndexCache())
    monkeypatch.setattr(proposals, "_cache", matching._cache)
    assert proposals.pooling_for(world["zone"].id) == []  # not waiting for it
    building = matching._cache.building
    assert building is not None
    building.join(timeout=60)
    assert not building.is_alive()
    [group] = proposals.pooling_for(world["zone"].id)  # the thread's index
    assert group["organisations"] == 3
    assert matching._cache.building is building  # no second build


def test_the_index_applies_each_change_once(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer = make_listing(org=world["a"], by=world["user_a"], title="Palettes en bois")
    other = make_listing(org=world["c"], by=world["user_c"], title="Cartons")
    cache = matching.IndexCache()
    with cache.lock:
        matcher = cache.get()
    applied: list[int] = []
    removed: list[int] = []
    add, remove = matcher.add, matcher.remove
    monkeypatch.setattr(
        matcher, "add", lambda items: (applied.extend(i.id for i in items), add(items))
    )
    monkeypatch.setattr(matcher, "remove", lambda i: (removed.append(i), remove(i)))
    cache._sync()
    assert applied == []  # nothing changed since the build
    db.session.get(Listing, offer.id).title = "Palettes en bois, EPAL"
    db.session.commit()
    cache._sync()
    cache._sync()
    assert applied == [offer.id]  # changed once, applied once
    listings.apply_action(world["user_c"], other, "close")
    cache._sync()
    assert removed == [other.id]
    assert applied == [offer.id]
    assert matcher.item(offer.id).title == "Palettes en bois, EPAL"
    assert matcher.item(other.id) is None
