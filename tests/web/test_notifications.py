"""The unread-notification badge of every signed-in page, opening one notice
(read on the way) and marking all read."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Notification, User
from symbiosis.models.base import utcnow
from symbiosis.services import accounts, notify
from tests.builders import make_org, make_user
from tests.conftest import as_user, statements_of

BADGE = re.compile(r'<span class="badge text-bg-danger">(\d+)</span>')


def _member_with_notices(unread: int, read: int) -> int:
    """A member with notices; another member's unread ones are not theirs."""
    org = make_org()
    user = make_user(org=org)
    other = make_user(org=org)
    for n in range(unread + read):
        db.session.add(
            Notification(
                user=user,
                subject=f"Notice {n}",
                body="…",
                read_at=utcnow() - timedelta(hours=1) if n >= unread else None,
            )
        )
    db.session.add(Notification(user=other, subject="Not yours", body="…"))
    db.session.commit()
    return user.id


def test_the_badge_counts_unread_notices_in_the_users_own_statement(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=2, read=3)
    as_user(app, client, user_id)
    seen = statements_of(app, client, "/notifications")
    page = client.get("/notifications").get_data(as_text=True)
    assert BADGE.findall(page) == ["2"]
    counting = [s for s in seen if "count(notification.id)" in s]
    # counted in the statement that loads the signed-in user, not apart
    assert len(counting) == 1
    assert "app_user" in counting[0]


def test_marking_all_read_clears_the_badge(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=2, read=0)
    as_user(app, client, user_id)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert BADGE.findall(client.get("/notifications").get_data(as_text=True)) == []
    with app.app_context():
        left = db.session.scalars(
            db.select(Notification).where(Notification.read_at.is_(None))
        ).all()
        assert [n.subject for n in left] == ["Not yours"]


def test_opening_a_notice_reads_it_and_follows_its_link(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=2, read=0)
        notes = db.session.scalars(
            db.select(Notification).order_by(Notification.id)
        ).all()
        notes[0].link = "/listings/"
        notes[1].link = "https://elsewhere.example/phish"
        db.session.commit()
        first, second, not_yours = (n.id for n in notes)
    as_user(app, client, user_id)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{first}"' in page
    response = client.get(f"/notifications/{first}")
    assert (response.status_code, response.location) == (302, "/listings/")
    assert BADGE.findall(client.get("/notifications").get_data(as_text=True)) == ["1"]
    # opened again: still read, same place
    assert client.get(f"/notifications/{first}").location == "/listings/"
    # a link that leaves the site is not followed
    response = client.get(f"/notifications/{second}")
    assert response.location == "/notifications"
    # another user's notice is not found, and stays unread
    assert client.get(f"/notifications/{not_yours}").status_code == 404
    with app.app_context():
        left = db.session.scalars(
            db.select(Notification).where(Notification.read_at.is_(None))
        ).all()
        assert [n.subject for n in left] == ["Not yours"]


def test_a_user_loaded_otherwise_is_counted_apart(app: Flask) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=3, read=1)
        db.session.expunge_all()
        user = db.session.get(User, user_id)
        assert user.unread_notifications is None
        assert notify.unread_count(user) == 3


def test_a_commit_drops_the_count_loaded_with_the_user(app: Flask) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=3, read=1)
        session_id = db.session.get(User, user_id).get_id()
        db.session.expunge_all()
        user = accounts.load_user(session_id)
        assert user.unread_notifications == 3
        notify.mark_all_read(user)  # commits: the count loaded before is stale
        assert notify.unread_count(user) == 0


def test_the_account_page_sets_how_notices_are_mailed(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=1, read=0)
    as_user(app, client, user_id)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Chaque notification vous est aussi envoyée par e-mail." in page
    form = {"profile-full_name": "Anne Weber", "profile-locale": "fr"}
    saved = client.post("/account/", data={**form, "profile-mail_notices": "weekly"})
    assert saved.status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        assert (user.mail_notices, user.full_name) == ("weekly", "Anne Weber")
        assert user.digest_sent_at is not None
    page = client.get("/notifications").get_data(as_text=True)
    assert "chaque lundi matin" in page
    account = client.get("/account/").get_data(as_text=True)
    assert re.search(
        r'<option selected value="weekly">|<option value="weekly" selected', account
    )

    bad = client.post(
        "/account/",
        data={**form, "profile-full_name": "Other", "profile-mail_notices": "hourly"},
    )
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert 'id="profile-mail_notices-error"' in text
    assert 'aria-invalid="true"' in text
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        assert (user.mail_notices, user.full_name) == ("weekly", "Anne Weber")


def test_choosing_a_language_confirms_in_that_language(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        user_id = _member_with_notices(unread=0, read=0)
    as_user(app, client, user_id)
    form = {"profile-full_name": "Anne Weber", "profile-mail_notices": "each"}
    for lang, saved in (("de", "Ihr Profil wurde gespeichert."),
                        ("en", "Your profile is saved."),
                        ("fr", "Votre profil est enregistré.")):  # fmt: skip
        answer = client.post("/account/", data={**form, "profile-locale": lang})
        assert answer.status_code == 302
        page = client.get("/account/").get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        assert saved in page
