"""Requests to join an organisation or a zone reach who decides; answers
reach who asked, each in their own language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Notification, User
from symbiosis.services import accounts, organisations, zones
from tests.builders import make_org, make_reference, make_user, make_zone


def notices(user: User) -> list[tuple[str, str | None]]:
    return [
        (n.subject, n.link)
        for n in db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    ]


@pytest.fixture
def firm(ctx: Flask) -> dict[str, object]:
    make_reference()
    zone = make_zone(name="ZIC Foetz (Mondercange)")
    org = make_org(name="Boulangerie du Sud", zone=zone)
    admins = [
        make_user(org=org, role="admin", locale="fr", full_name="Paul"),
        make_user(org=org, role="admin", locale="de", full_name="Jutta"),
    ]
    member = make_user(org=org, full_name="Léa")
    db.session.commit()
    return {"org": org, "zone": zone, "admins": admins, "member": member}


def test_a_request_to_join_reaches_the_administrators_only(
    ctx: Flask, firm: dict
) -> None:
    org = firm["org"]
    asking = make_user(full_name="Sam Weber")
    db.session.commit()
    organisations.ask_to_join(asking, org.id)
    link = f"/organisations/{org.id}/members"
    paul, jutta = firm["admins"]
    assert notices(paul) == [("Sam Weber demande à rejoindre Boulangerie du Sud", link)]
    assert notices(jutta) == [("Sam Weber möchte Boulangerie du Sud beitreten", link)]
    assert notices(firm["member"]) == []
    # so does one made when registering
    accounts.register(
        email="ines@example.lu",
        full_name="Inès Kremer",
        password="un mot de passe sûr",
        locale="fr",
        join_organisation_id=org.id,
    )
    assert [s for s, _link in notices(paul)][-1] == (
        "Inès Kremer demande à rejoindre Boulangerie du Sud"
    )


@pytest.mark.parametrize(
    ("action", "told"),
    [
        ("accept", "Vous êtes désormais membre de Boulangerie du Sud."),
        ("refuse", "Votre demande pour rejoindre Boulangerie du Sud a été refusée."),
    ],
)
def test_the_answer_reaches_who_asked(
    ctx: Flask, firm: dict, action: str, told: str
) -> None:
    org = firm["org"]
    asking = make_user(full_name="Sam Weber")
    db.session.commit()
    organisations.ask_to_join(asking, org.id)
    organisations.change_member(org, asking.id, action, firm["admins"][0])
    assert [s for s, _link in notices(asking)] == [told]


def test_a_change_of_role_reaches_the_member(ctx: Flask, firm: dict) -> None:
    org, member, paul = firm["org"], firm["member"], firm["admins"][0]
    organisations.change_member(org, member.id, "promote", paul)
    organisations.change_member(org, member.id, "demote", paul)
    organisations.change_member(org, member.id, "remove", paul)
    assert [s for s, _link in notices(member)] == [
        "Vous êtes désormais administrateur de Boulangerie du Sud.",
        "Vous n'êtes plus administrateur de Boulangerie du Sud.",
        "Vous n'êtes plus membre de Boulangerie du Sud.",
    ]


def test_a_zone_request_reaches_its_managers_and_the_answer_the_firm(
    ctx: Flask, firm: dict
) -> None:
    org = firm["org"]
    target = make_zone(name="Bourmicht (Bertrange)")
    manager = make_user(manages=[target], locale="en", full_name="Ana")
    other = make_user(manages=[firm["zone"]])
    db.session.commit()
    request = organisations.request_zone(org, target.id, firm["admins"][0])
    assert notices(manager) == [
        ("Boulangerie du Sud asks to join Bourmicht (Bertrange)", "/zones/requests")
    ]
    assert notices(other) == []
    zones.decide(request.id, by=manager, approve=False, reason="Hors périmètre")
    [(subject, link)] = notices(firm["admins"][0])
    assert subject == "La zone Bourmicht (Bertrange) n'a pas admis Boulangerie du Sud"
    assert link == f"/organisations/{org.id}"
    body = db.session.scalar(
        sa.select(Notification.body).where(Notification.user_id == firm["admins"][0].id)
    )
    assert body == "Motif indiqué : Hors périmètre"

    again = organisations.request_zone(org, target.id, firm["admins"][0])
    zones.decide(again.id, by=manager, approve=True, reason=None)
    assert notices(firm["admins"][1])[-1][0] == (
        "Boulangerie du Sud ist jetzt in der Zone Bourmicht (Bertrange)."
    )
    assert notices(firm["member"]) == []
