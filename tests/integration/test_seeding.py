"""Reference and demo data load completely, and loading twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import (
    EmissionFactor,
    EwcCode,
    Invitation,
    Locality,
    NaceCode,
    Organisation,
    Sdg,
    User,
    Zone,
    ZoneRequest,
)
from symbiosis.models.base import utcnow
from symbiosis.services import seeding
from symbiosis.services.accounts import authenticate

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

REQUIRED_ZONES = [
    "Cloche d'Or",
    "Kirchberg",
    "Belval",
    "Bettembourg",
    "Dudelange",
    "Contern",
    "Foetz",
    "Windhof",
    "Bascharage",
    "Munsbach",
    "Howald",
    "Hosingen",
    "Ettelbruck",
    "Diekirch",
    "Wiltz",
    "Echternach",
    "Grevenmacher",
    "Bissen",
    "Mersch",
    "Differdange",
    "Capellen",
]


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_reference_data_is_complete_and_idempotent(ctx: Flask) -> None:
    first = seeding.load_reference(SEEDS / "reference")
    assert first.inserted["ewc_code"] == 842
    assert count(EwcCode) == 842
    assert db.session.scalar(sa.select(sa.func.count()).where(EwcCode.hazardous)) == 408
    code = db.session.get(EwcCode, "150103")
    assert code.display == "15 01 03"
    assert code.label("fr")
    assert code.label("de")
    assert db.session.get(EwcCode, "160601").display == "16 06 01*"
    assert count(Sdg) == 17
    assert db.session.get(Sdg, 13).label("fr")
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(NaceCode.level == "class"))
        == 615
    )
    assert db.session.get(NaceCode, "38.11").label("fr")
    assert count(Locality) >= 300
    assert count(EmissionFactor) == 782
    names = " ".join(db.session.scalars(sa.select(Zone.name)))
    missing = [z for z in REQUIRED_ZONES if z not in names]
    assert missing == []
    assert all(
        49.4 < z.lat < 50.2 and 5.7 < z.lon < 6.6
        for z in db.session.scalars(sa.select(Zone))
    )

    second = seeding.load_reference(SEEDS / "reference")
    assert second.changed == 0


def test_reference_reload_keeps_a_managers_zone_correction(ctx: Flask) -> None:
    seeding.load_reference(SEEDS / "reference")
    zone = db.session.scalar(sa.select(Zone).where(Zone.slug == "kirchberg"))
    zone.lat = 49.6311
    db.session.commit()
    seeding.load_reference(SEEDS / "reference")
    assert (
        db.session.scalar(sa.select(Zone.lat).where(Zone.slug == "kirchberg"))
        == 49.6311
    )


@pytest.fixture
def demo(ctx: Flask) -> seeding.LoadReport:
    seeding.load_reference(SEEDS / "reference")
    return seeding.load_demo(SEEDS / "demo")


def test_demo_data_covers_every_role(demo: seeding.LoadReport) -> None:
    assert count(Organisation) >= 40
    zones_used = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Organisation.zone_id)))
    )
    assert zones_used >= 6
    kinds = set(db.session.scalars(sa.select(Organisation.kind)))
    assert kinds == {"company", "association", "public_body"}
    users = db.session.scalars(sa.select(User)).all()
    assert any(u.is_facilitator for u in users)
    assert any(u.managed_zones for u in users)
    assert any(u.org_role == "admin" for u in users)
    assert any(u.org_role == "pending" for u in users)
    # e-mails of notifications: one by one for most, a summary for two
    assert {u.mail_notices for u in users} == {"each", "daily", "weekly"}
    members = [
        u
        for u in users
        if u.org_role == "member" and not u.managed_zones and not u.is_facilitator
    ]
    assert len({u.organisation_id for u in members}) >= 2
    assert db.session.scalar(sa.select(sa.func.count(ZoneRequest.id))) >= 1
    # the members page of the README's administrator shows invitations
    now = utcnow()
    sent = {
        (i.organisation.name, i.invited_by.email if i.invited_by else None,
         str(i.state(now)))
        for i in db.session.scalars(sa.select(Invitation))
    }  # fmt: skip
    admin = "admin@boulangerie-sud.example.lu"
    assert sent == {
        ("Boulangerie Artisanale du Sud", admin, "pending"),
        ("Boulangerie Artisanale du Sud", admin, "expired"),
    }


# The accounts listed in the README: each must sign in with its password.
README_ACCOUNTS = [
    "facilitateur@symbiose.example.lu",
    "gestionnaire.clochedor@symbiose.example.lu",
    "gestionnaire.sud@symbiose.example.lu",
    "admin@boulangerie-sud.example.lu",
    "membre@boulangerie-sud.example.lu",
    "member@eurohub-logistics.example.lu",
]


def test_readme_accounts_sign_in(demo: seeding.LoadReport) -> None:
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    for email in README_ACCOUNTS:
        assert email in readme
        assert authenticate(email, "symbiose-demo") is not None, email
    facilitator = authenticate("facilitateur@symbiose.example.lu", "symbiose-demo")
    assert facilitator.is_facilitator
    manager = authenticate(
        "gestionnaire.clochedor@symbiose.example.lu", "symbiose-demo"
    )
    assert [z.slug for z in manager.managed_zones] == ["cloche-d-or-ban-de-gasperich"]
    member_a = authenticate("membre@boulangerie-sud.example.lu", "symbiose-demo")
    member_b = authenticate("member@eurohub-logistics.example.lu", "symbiose-demo")
    assert member_a.org_role == member_b.org_role == "member"
    assert member_a.organisation_id != member_b.organisation_id


def test_demo_is_idempotent(demo: seeding.LoadReport) -> None:
    assert demo.changed > 0
    assert seeding.load_demo(SEEDS / "demo").changed == 0


def test_demo_shows_matches_pooling_and_combinations(ctx: Flask) -> None:
    from symbiosis.models import Listing, Match
    from symbiosis.services import proposals

    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    seeding.load_demo_listings(SEEDS / "demo")
    # the 216 rows of listings.csv, and the offer and request of each of the
    # six partnerships signed at the demo's past evening
    partnerships = json.loads((SEEDS / "demo" / "events.json").read_text("utf-8"))
    signed = sum(len(event.get("partnerships", [])) for event in partnerships)
    assert signed == 6
    assert count(Listing) == 216 + 2 * signed
    assert count(Match) > 100
    with ctx.test_request_context():
        pools = [
            p
            for z in db.session.scalars(sa.select(Zone))
            for p in proposals.pooling_for(z.id)
        ]
        assert {p["key"] for p in pools} >= {"paper.cardboard"}
        assert all(p["organisations"] >= 3 for p in pools)
        requests = db.session.scalars(
            sa.select(Listing).where(Listing.kind == "request")
        )
        combined = [c for c in map(proposals.combination_for, requests) if c]
        assert combined
        assert all(len(offers) >= 2 for offers, _percent in combined)


def test_the_demo_member_follows_searches_that_find_the_demo_listings(
    ctx: Flask,
) -> None:
    from symbiosis.models import Notification, SavedSearch
    from symbiosis.services import saved_searches

    seeding.load_reference(SEEDS / "reference")
    seeding.load_demo(SEEDS / "demo")
    follows = {
        s.name: s.filters
        for s in db.session.scalars(sa.select(SavedSearch).order_by(SavedSearch.id))
    }
    assert follows == {
        "Cartons pour les livraisons": {"kind": "offer", "q": "cartons"},
        "Chaleur et énergie à moins de 15 km": {"resource": "energy", "within_km": 15},
    }
    seeding.load_demo_listings(SEEDS / "demo")
    # Posted at load, after the searches last looked: the alerts find them.
    assert saved_searches.alert() >= 1
    subjects = db.session.scalars(
        sa.select(Notification.subject).where(
            Notification.link.startswith("/listings/?")
        )
    ).all()
    assert any("« Cartons pour les livraisons »" in s for s in subjects), subjects
    assert seeding.load_demo(SEEDS / "demo").inserted.get("saved_search", 0) == 0
