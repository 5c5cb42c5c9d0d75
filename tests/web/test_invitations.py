"""An administrator invites a colleague, who registers or signs in and joins."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from symbiosis.extensions import db
from symbiosis.models import ActivityEntry, Invitation, Notification, Organisation, User
from symbiosis.models.base import utcnow
from symbiosis.services import invitations, signed_links
from tests.builders import PASSWORD, make_org, make_user
from tests.conftest import as_user
from tests.invitation_builders import make_invitation

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
    assert (
        f'action="/organisations/{world["firm"]}/invitations#invite"'
        in page.get_data(as_text=True)
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
            firm = db.session.get(Organisation, world["firm"])
            assert firm is not None
            invitation = make_invitation(org=firm, email=f"n{seconds_ago}@example.lu")
            db.session.commit()
            return signed_links.sign(
                invitations.PURPOSE, str(invitation.id), invitation.key
            )

    client = app.test_client()
    assert client.get(f"/invitation/{made(14 * 86400 - 60)}").status_code == 200
    assert client.get(f"/invitation/{made(14 * 86400 + 60)}").status_code == 400


@pytest.mark.parametrize("token", ["x", "W10.aaaa.bbbb", "²", "a" * 5000])
def test_a_forged_invitation_is_refused_plainly(app: Flask, token: str) -> None:
    client = app.test_client()
    assert client.get(f"/invitation/{token}").status_code == 400
    assert client.post(f"/invitation/{token}").status_code == 400


def members_page(app: Flask, world: dict[str, int]) -> str:
    admin = signed_in(app, world["admin"])
    page = admin.get(f"/organisations/{world['firm']}/members")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def stored(app: Flask) -> list[tuple[str, str]]:
    """(address, state) of every stored invitation, by address."""
    with app.app_context():
        now = utcnow()
        return sorted(
            (i.email, str(i.state(now)))
            for i in db.session.scalars(sa.select(Invitation))
        )


def invitation_id(app: Flask, email: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            sa.select(Invitation.id).where(Invitation.email == email)
        )
        assert found is not None
        return found


def test_administrators_see_open_invitations_and_inviting_again_keeps_one(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    assert "Aucune invitation" in members_page(app, world)
    first = invite(app, world, caplog, NEW)
    again = invite(app, world, caplog, NEW.upper())
    assert stored(app) == [(NEW, "pending")]
    page = members_page(app, world)
    assert NEW in page
    assert "Test Person" in page
    assert 'id="invitations"' in page
    # both links work: sending again does not spend the first one
    for link in (first, again):
        assert app.test_client().get(link).status_code == 200
    with app.app_context():
        actions = db.session.scalars(sa.select(ActivityEntry.action)).all()
        assert actions == ["membership.invited", "membership.invited"]


def test_a_withdrawn_invitation_stops_working_and_changes_nothing(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    link = invite(app, world, caplog, NEW)
    admin = signed_in(app, world["admin"])
    number = invitation_id(app, NEW)
    done = admin.post(f"/organisations/{world['firm']}/invitations/{number}/withdraw")
    assert done.status_code == 302
    assert done.headers["Location"].endswith("#invitations")
    assert stored(app) == [(NEW, "withdrawn")]
    assert NEW not in members_page(app, world)

    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 400
    assert "Boulangerie du Sud a retiré cette invitation." in page.get_data(
        as_text=True
    )
    refused = client.post(link, data={"full_name": "Inès", "password": "un mot de passe sûr",
                                      "password_confirm": "un mot de passe sûr"})  # fmt: skip
    assert refused.status_code == 400
    assert role_of(app, NEW) is None
    # withdrawing twice, or sending a withdrawn one again, is refused plainly
    for action in ("withdraw", "resend"):
        caplog.clear()
        again = admin.post(
            f"/organisations/{world['firm']}/invitations/{number}/{action}",
            follow_redirects=True,
        )
        assert "acceptée ou retirée" in again.get_data(as_text=True)
        assert not [r for r in caplog.records if "mail to" in r.getMessage()]
    assert stored(app) == [(NEW, "withdrawn")]

    # inviting the address anew makes a new link; the withdrawn one stays dead
    fresh = invite(app, world, caplog, NEW)
    assert stored(app) == [(NEW, "pending")]
    assert client.get(link).status_code == 400
    assert client.get(fresh).status_code == 200


def test_sending_again_renews_an_expired_invitation(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        assert firm is not None
        make_invitation(org=firm, email=NEW, days_ago=20)
        db.session.commit()
    assert stored(app) == [(NEW, "expired")]
    assert "lien expiré" in members_page(app, world)
    admin = signed_in(app, world["admin"])
    caplog.clear()
    number = invitation_id(app, NEW)
    sent = admin.post(f"/organisations/{world['firm']}/invitations/{number}/resend")
    assert sent.status_code == 302
    assert stored(app) == [(NEW, "pending")]
    [mail] = [r.getMessage() for r in caplog.records if "mail to" in r.getMessage()]
    found = LINK.search(mail)
    assert found is not None
    done = app.test_client().post(found.group(1), data={
        "full_name": "Inès Kremer", "password": "un mot de passe sûr",
        "password_confirm": "un mot de passe sûr"})  # fmt: skip
    assert done.status_code == 302
    assert role_of(app, NEW) == (world["firm"], "member")
    assert stored(app) == [(NEW, "accepted")]
    assert NEW not in members_page(app, world).split('id="invitations"')[1]
    # the link, once used, says so
    used = app.test_client().get(found.group(1))
    assert used.status_code == 200
    assert "déjà été acceptée" in used.get_data(as_text=True)


def test_an_accepted_invitation_starts_anew_after_the_member_left(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="symbiosis")
    link = invite(app, world, caplog, "sans.organisation@example.lu")
    loose = signed_in(app, world["loose"])
    assert loose.post(link).status_code == 302
    assert stored(app) == [("sans.organisation@example.lu", "accepted")]
    admin = signed_in(app, world["admin"])
    removed = admin.post(
        f"/organisations/{world['firm']}/members/{world['loose']}/remove"
    )
    assert removed.status_code == 302
    fresh = invite(app, world, caplog, "sans.organisation@example.lu")
    assert stored(app) == [("sans.organisation@example.lu", "pending")]
    assert loose.get(link).status_code == 400  # the first link is spent
    assert loose.post(fresh).status_code == 302
    assert role_of(app, "sans.organisation@example.lu") == (world["firm"], "member")


def test_invitations_of_another_organisation_are_not_found(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        brewery = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == "Brasserie du Nord")
        )
        assert brewery is not None
        theirs = make_invitation(org=brewery, email=NEW).id
        db.session.commit()
    admin = signed_in(app, world["admin"])
    base = f"/organisations/{world['firm']}/invitations"
    for path in (f"{theirs}/withdraw", f"{theirs}/resend", "99999999999/withdraw"):
        assert admin.post(f"{base}/{path}").status_code == 404
    assert admin.post(f"{base}/{theirs}/accept").status_code == 404
    assert stored(app) == [(NEW, "pending")]


def test_an_invitation_outlives_the_account_of_who_sent_it(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        member = db.session.get(User, world["member"])
        assert firm is not None
        assert member is not None
        make_invitation(org=firm, by=member, email=NEW)
        db.session.commit()
    assert "Test Person" in members_page(app, world)
    with app.app_context():
        db.session.execute(sa.delete(User).where(User.id == world["member"]))
        db.session.commit()
    page = members_page(app, world).split('id="invitations"')[1]
    assert NEW in page
    assert "un ancien membre" in page
    assert stored(app) == [(NEW, "pending")]


def test_two_administrators_inviting_at_once_keep_one_invitation(
    app: Flask, world: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs two writers at the same moment: PostgreSQL")
        engine = db.engine
    caplog.set_level(logging.INFO, logger="symbiosis")
    # another administrator's request has written the invitation, not yet
    # committed: this request's insert waits on the unique key, then fails
    now = utcnow()
    other = engine.connect()
    transaction = other.begin()
    other.execute(
        sa.insert(Invitation).values(
            organisation_id=world["firm"], email=NEW, invited_by_id=world["member"],
            key="theirs", sent_at=now, expires_at=now + timedelta(days=14),
            created_at=now,
        )
    )  # fmt: skip
    timer = threading.Timer(0.5, transaction.commit)
    timer.start()
    try:
        link = invite(app, world, caplog, NEW)
    finally:
        timer.join()
        other.close()
    assert stored(app) == [(NEW, "pending")]
    with app.app_context():
        kept = db.session.scalar(sa.select(Invitation))
        assert kept is not None
        assert (kept.key, kept.invited_by_id) == ("theirs", world["admin"])
    assert app.test_client().get(link).status_code == 200


def test_the_administrators_home_points_at_expired_invitations(
    app: Flask, world: dict[str, int]
) -> None:
    with app.app_context():
        firm = db.session.get(Organisation, world["firm"])
        assert firm is not None
        make_invitation(org=firm, email="expiree@example.lu", days_ago=15)
        make_invitation(org=firm, email="en.cours@example.lu", days_ago=1)
        db.session.commit()
    home = signed_in(app, world["admin"]).get("/").get_data(as_text=True)
    assert "Invitations dont le lien a expiré" in home
    assert "expiree@example.lu" in home
    assert "en.cours@example.lu" not in home  # still works: nothing to do
    assert f'href="/organisations/{world["firm"]}/members#invitations"' in home
    # members do not manage invitations
    member = signed_in(app, world["member"]).get("/").get_data(as_text=True)
    assert "expiree@example.lu" not in member
