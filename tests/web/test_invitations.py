"""An administrator invites a colleague, who registers or signs in and joins."""

from __future__ import annotations

import logging
import re
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from symbiosis.extensions import db
from symbiosis.models import ActivityEntry, Notification, Organisation, User
from symbiosis.services import invitations, signed_links
from tests.builders import PASSWORD, make_org, make_user
from tests.conftest import as_user

LINK = re.compile(r"https?://[^\s]*(/invitation/[^\s]+)")
NEW = "nouvelle.collegue@boulangerie.lu"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        firm = make_org(name="Boulangerie du Sud")
        admin = make_user(org=firm, role="admin", email="admin@boulangerie.lu")
        member = make_user(org=firm, email="membre@boulangerie.lu")
        other = make_org(name="Brasserie du Nord")
        elsewhere = make_user(org=other, email="brasseur@brasserie.lu")
        loose = make_user(email="sans.organisation@example.lu", full_name="Sam")
        db.session.commit()
        return {
            "firm": firm.id, "admin": admin.id, "member": member.id,
            "elsewhere": elsewhere.id, "loose": loose.id,
        }  # fmt: skip


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    return as_user(app, app.test_client(), user_id)


def invite(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture, email: str
) -> str:
    """The path of the invitation link the administrator's request mailed."""
    caplog.clear()
    admin = signed_in(app, world["admin"])
    response = admin.post(
        f"/organisations/{world['firm']}/invitations", data={"email": email}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    [mail] = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("mail to ")
    ]
    assert mail.startswith(f"mail to {email.strip().lower()}: ")
    found = LINK.search(mail)
    assert found is not None
    return found.group(1)


def role_of(app: Flask, email: str) -> tuple[int | None, str | None] | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return None if user is None else (user.organisation_id, user.org_role)


def test_a_new_colleague_registers_and_is_a_member_at_once(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    page = signed_in(app, world["admin"]).get(f"/organisations/{world['firm']}/members")
    assert f'action="/organisations/{world["firm"]}/invitations"' in page.get_data(
        as_text=True
    )
    link = invite(app, world, caplog, "Nouvelle.Collegue@boulangerie.lu ")
    [mail] = [r.getMessage() for r in caplog.records if "mail to" in r.getMessage()]
    assert "Test Person vous invite sur Symbiosis" in mail
    assert "rejoindre Boulangerie du Sud" in mail

    client = app.test_client()
    form = client.get(link)
    assert form.status_code == 200
    assert NEW in form.get_data(as_text=True)
    weak = client.post(link, data={"full_name": "Inès", "password": "court",
                                   "password_confirm": "court"})  # fmt: skip
    assert weak.status_code == 400
    assert 'id="password-error"' in weak.get_data(as_text=True)
    assert role_of(app, NEW) is None

    done = client.post(link, data={"full_name": "Inès Kremer", "password": "un mot de passe sûr",
                                   "password_confirm": "un mot de passe sûr"})  # fmt: skip
    assert done.status_code == 302
    assert role_of(app, NEW) == (world["firm"], "member")
    assert client.get("/account/").status_code == 200  # signed in
    with app.app_context():
        told = db.session.scalars(
            sa.select(Notification.subject).where(
                Notification.user_id == world["admin"]
            )
        ).all()
        assert told == ["Inès Kremer a rejoint Boulangerie du Sud"]
        actions = db.session.scalars(
            sa.select(ActivityEntry.action).order_by(ActivityEntry.id)
        ).all()
        assert actions == ["membership.invited", "membership.joined"]
    # the link is of no more use to anyone else
    assert app.test_client().get(link).status_code == 200  # "sign in" now
    assert "Se connecter" in app.test_client().get(link).get_data(as_text=True)


def test_an_account_without_organisation_signs_in_then_joins(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    link = invite(app, world, caplog, "sans.organisation@example.lu")
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert f'href="/login?next={link}"' in page
    signed = client.post(
        f"/login?next={link}",
        data={"email": "sans.organisation@example.lu", "password": PASSWORD},
    )
    assert signed.headers["Location"] == link
    assert client.get(link).status_code == 200
    assert role_of(app, "sans.organisation@example.lu") == (None, None)
    assert client.post(link).status_code == 302
    assert role_of(app, "sans.organisation@example.lu") == (world["firm"], "member")


def test_who_may_not_accept_is_told_why_and_nothing_changes(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    # a member of another organisation
    link = invite(app, world, caplog, "brasseur@brasserie.lu")
    client = signed_in(app, world["elsewhere"])
    refused = client.post(link)
    assert refused.status_code == 400
    assert "Brasserie du Nord" in refused.get_data(as_text=True)
    with app.app_context():
        brewery = db.session.scalar(
            sa.select(Organisation.id).where(Organisation.name == "Brasserie du Nord")
        )
    assert role_of(app, "brasseur@brasserie.lu") == (brewery, "member")
    # someone signed in with another address
    other = signed_in(app, world["loose"])
    wrong = other.get(invite(app, world, caplog, NEW))
    assert wrong.status_code == 400
    assert NEW in wrong.get_data(as_text=True)
    assert role_of(app, "sans.organisation@example.lu") == (None, None)


@pytest.mark.parametrize(
    ("email", "status"),
    [("membre@boulangerie.lu", 400), ("pas une adresse", 400), ("", 400)],
)
def test_bad_invitations_get_an_error_next_to_the_field(
    app: Flask,
    world: dict[str, int],
    caplog: pytest.LogCaptureFixture,
    email: str,
    status: int,
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    admin = signed_in(app, world["admin"])
    response = admin.post(
        f"/organisations/{world['firm']}/invitations", data={"email": email}
    )
    assert response.status_code == status
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.getMessage().startswith("mail to ")]


def test_an_invitation_lasts_fourteen_days(
    app: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def made(seconds_ago: int) -> str:
        with app.test_request_context(), monkeypatch.context() as past:
            past.setattr(
                TimestampSigner,
                "get_timestamp",
                lambda _s: int(time.time()) - seconds_ago,
            )
            return signed_links.sign(
                invitations.PURPOSE, str(world["firm"]), NEW, str(world["admin"])
            )

    client = app.test_client()
    assert client.get(f"/invitation/{made(14 * 86400 - 60)}").status_code == 200
    assert client.get(f"/invitation/{made(14 * 86400 + 60)}").status_code == 400


@pytest.mark.parametrize("token", ["x", "W10.aaaa.bbbb", "²", "a" * 5000])
def test_a_forged_invitation_is_refused_plainly(app: Flask, token: str) -> None:
    client = app.test_client()
    assert client.get(f"/invitation/{token}").status_code == 400
    assert client.post(f"/invitation/{token}").status_code == 400
