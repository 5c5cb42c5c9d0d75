"""Listing rules through the service: location, yearly base, states, expiry, search."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.models import Listing, Notification
from symbiosis.services import listings
from symbiosis.services.listing_search import Filters, search
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone


@pytest.fixture
def world(ctx: Flask) -> dict:
    make_reference()
    zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
    firm = make_org(name="Firm A", zone=zone)
    firm.lat, firm.lon = 49.59, 6.22
    other = make_org(
        name="Firm B", zone=make_zone(name="Belval (Esch)", lat=49.501, lon=5.944)
    )
    member = make_user(org=firm)
    stranger = make_user(org=other)
    db.session.commit()
    return {
        "zone": zone,
        "firm": firm,
        "other": other,
        "member": member,
        "stranger": stranger,
    }


def test_post_computes_yearly_base_and_location(world: dict) -> None:
    listing = make_listing(
        org=world["firm"],
        by=world["member"],
        quantity="800",
        unit="kg",
        frequency="weekly",
        sdgs=[12, 13],
    )
    assert listing.yearly_quantity == Decimal("41.6")
    assert listing.base_unit == "t"
    assert (listing.lat, listing.lon) == (49.59, 6.22)  # the organisation's address
    assert listing.zone_id == world["zone"].id
    assert [s.number for s in listing.sdgs] == [12, 13]
    assert "emballages en bois" in listing.search_text  # the waste label is searchable


def test_locality_from_the_gazetteer_places_the_listing(world: dict) -> None:
    listing = make_listing(
        org=world["firm"], by=world["member"], locality="esch-sur-alzette"
    )
    assert listing.location_label == "Esch-sur-Alzette"
    assert (listing.lat, listing.lon) == (49.4958, 5.9806)
    with pytest.raises(FieldErrors) as error:
        make_listing(org=world["firm"], by=world["member"], locality="Atlantis")
    assert error.value.errors[0][0] == "locality"


def test_a_business_zone_places_the_listing_by_full_or_short_name(
    world: dict,
) -> None:
    for name in ("Belval (Esch)", "belval", "BELVAL (ESCH)"):
        listing = make_listing(org=world["firm"], by=world["member"], locality=name)
        assert listing.location_label == "Belval"
        assert (listing.lat, listing.lon) == (49.501, 5.944)
    # a commune keeps its own point when a zone bears the same short name
    world["zone"].name = "Esch-sur-Alzette (Lallange)"
    db.session.commit()
    listing = make_listing(
        org=world["firm"], by=world["member"], locality="Esch-sur-Alzette"
    )
    assert (listing.lat, listing.lon) == (49.4958, 5.9806)


def test_unknown_waste_code_and_nothing_written(world: dict) -> None:
    with pytest.raises(FieldErrors) as error:
        make_listing(
            org=world["firm"], by=world["member"], ewc_code="99 99 99", quantity="-3"
        )
    assert {f for f, _m in error.value.errors} == {"ewc_code", "quantity"}
    assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 0


def test_members_post_only_for_their_own_organisation(world: dict) -> None:
    with pytest.raises(NotAllowed):
        listings.post_listing(world["stranger"], world["firm"], {"title": "x"})


def test_update_keeps_other_fields(world: dict) -> None:
    listing = make_listing(org=world["firm"], by=world["member"])
    listings.update_listing(
        world["member"], listing, {"quantity": "3", "frequency": "yearly"}
    )
    assert (listing.quantity, listing.yearly_quantity) == (Decimal(3), Decimal(3))
    assert listing.title == "Palettes en bois"
    assert listing.ewc_code == "150103"
    with pytest.raises(NotAllowed):
        listings.update_listing(world["stranger"], listing, {"quantity": "1"})
    with pytest.raises(FieldErrors):
        listings.update_listing(
            world["member"],
            listing,
            {"available_from": "2027-05-01", "available_until": "2027-01-01"},
        )
    db.session.refresh(listing)
    assert listing.available_until is None


def test_state_changes_follow_the_table(world: dict) -> None:
    listing = make_listing(org=world["firm"], by=world["member"])
    for action, state in (
        ("pause", "paused"),
        ("resume", "active"),
        ("close", "closed"),
        ("reopen", "active"),
    ):
        listings.apply_action(world["member"], listing, action)
        assert listing.state == state
    with pytest.raises(NotAllowed):
        listings.apply_action(world["member"], listing, "resume")
    with pytest.raises(NotAllowed):
        listings.apply_action(world["member"], listing, "expire")
    with pytest.raises(NotAllowed):
        listings.apply_action(world["stranger"], listing, "pause")


def test_expiry_warns_once_then_expires(world: dict) -> None:
    today = date.today()
    soon = make_listing(
        org=world["firm"],
        by=world["member"],
        available_until=(today + timedelta(days=3)).isoformat(),
    )
    later = make_listing(
        org=world["firm"],
        by=world["member"],
        title="Carton",
        available_until=(today + timedelta(days=60)).isoformat(),
    )
    assert listings.expire_listings(today) == (1, 0)
    assert listings.expire_listings(today) == (0, 0)  # told once only
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [n.user_id for n in notes] == [world["member"].id]
    assert "Palettes en bois" in notes[0].subject
    assert listings.expire_listings(today + timedelta(days=4)) == (0, 1)
    assert (soon.state, later.state) == ("expired", "active")
    soon.available_until = today - timedelta(days=1)  # as it will be in a few days
    with pytest.raises(FieldErrors):  # re-opening needs a new end date first
        listings.apply_action(world["member"], soon, "reopen")
    listings.update_listing(world["member"], soon, {"available_until": None})
    listings.apply_action(world["member"], soon, "reopen")
    assert soon.state == "active"


def test_search_filters(world: dict) -> None:
    make_listing(
        org=world["firm"], by=world["member"], title="Marc de café", ewc_code="200108"
    )
    make_listing(
        org=world["firm"], by=world["member"], kind="request", title="Holzpaletten"
    )
    make_listing(
        org=world["other"],
        by=make_user(org=world["other"]),
        title="Carton",
        ewc_code="150101",
        resource="material",
    )
    viewer = world["member"]
    titles = lambda f: sorted(x.title for x in search(viewer, f).items)  # noqa: E731
    assert titles(Filters(q="MARC DE CAFE")) == ["Marc de café"]
    assert titles(Filters(q="bois")) == ["Holzpaletten"]  # via the waste label
    assert titles(Filters(kind="request")) == ["Holzpaletten"]
    assert titles(Filters(chapter="20")) == ["Marc de café"]
    assert titles(Filters(zone_id=world["other"].zone_id)) == ["Carton"]
    # Belval is about 22 km from Contern.
    assert titles(Filters(within_km=10)) == ["Holzpaletten", "Marc de café"]
    assert len(titles(Filters(within_km=40))) == 3
    # A window that ended yesterday is hidden even before the expiry job runs.
    ended = db.session.scalar(sa.select(Listing).where(Listing.title == "Carton"))
    ended.available_until = date.today() - timedelta(days=1)
    db.session.commit()
    assert len(titles(Filters())) == 2


def test_anonymous_listing_hides_firm_and_site(world: dict) -> None:
    listing = make_listing(
        org=world["firm"],
        by=world["member"],
        anonymous=True,
        lat="49.6001",
        lon="6.2301",
    )
    to_stranger = listings.shown_to(world["stranger"], listing)
    assert to_stranger.organisation is None
    assert to_stranger.approximate
    assert (to_stranger.lat, to_stranger.lon) == (49.586, 6.215)  # the zone's point
    to_owner = listings.shown_to(world["member"], listing)
    assert to_owner.organisation.id == world["firm"].id
    assert (to_owner.lat, to_owner.lon) == (49.6001, 6.2301)


def test_search_counts_are_reused_only_when_the_setting_asks(
    world: dict, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from symbiosis.services import counts

    clock = [1000.0]
    monkeypatch.setattr(counts, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    counts.forget()
    viewer = world["member"]
    make_listing(org=world["firm"], by=world["member"], title="Marc de café")
    assert search(viewer, Filters()).total == 1
    make_listing(org=world["firm"], by=world["member"], title="Holzpaletten")
    assert search(viewer, Filters()).total == 2  # 0: counted for each page

    app.config["COUNT_CACHE_SECONDS"] = 60
    try:
        assert search(viewer, Filters()).total == 2
        make_listing(org=world["firm"], by=world["member"], title="Carton")
        fresh = search(viewer, Filters())
        # The listings shown are read fresh; the count is a minute old at most.
        assert sorted(x.title for x in fresh.items) == [
            "Carton",
            "Holzpaletten",
            "Marc de café",
        ]
        assert fresh.total == 2
        assert (
            search(viewer, Filters(q="carton")).total == 1
        )  # other filters: own count
        clock[0] += 59
        assert search(viewer, Filters()).total == 2
        clock[0] += 1  # a minute after the count
        assert search(viewer, Filters()).total == 3
    finally:
        app.config["COUNT_CACHE_SECONDS"] = 0
        counts.forget()
