"""The signed-in user's notifications over JSON: read them, mark them read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from symbiosis.api.v1 import bp, error
from symbiosis.authz import Perm, requires
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Notification
from symbiosis.models.base import as_utc, id_from_text
from symbiosis.services import notify

MOST = 200  # notifications in one answer, at most
DEFAULT = 50


def serialise(note: Notification) -> dict[str, Any]:
    subject, body = note.read_in(str(get_locale()))  # the reader's language
    return {
        "id": note.id,
        "subject": subject,
        "body": body,
        "link": note.link,
        "created_at": as_utc(note.created_at).isoformat(),
        "read_at": as_utc(note.read_at).isoformat() if note.read_at else None,
    }


@bp.get("/notifications")
@requires(Perm.SIGNED_IN)
def notifications_index() -> ResponseReturnValue:
    """Newest first; ``unread=true`` keeps the unread ones, ``limit`` caps."""
    unread = request.args.get("unread", "false")
    if unread not in ("true", "false"):
        return error(422, _("Use true or false."), "unread")
    raw_limit = request.args.get("limit", "")
    limit = id_from_text(raw_limit) if raw_limit else DEFAULT
    if limit is None or limit > MOST:
        return error(
            422, _("Give a whole number from 1 to %(most)d.", most=MOST), "limit"
        )
    query = sa.select(Notification).where(Notification.user_id == current_user.id)
    if unread == "true":
        query = query.where(Notification.read_at.is_(None))
    found = db.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(
            limit
        )
    )
    return jsonify(
        {
            "notifications": [serialise(n) for n in found],
            "unread": notify.unread_count(current_user),
        }
    )


@bp.post("/notifications/<int:notification_id>/read")
@requires(Perm.SIGNED_IN)
def notification_read(notification_id: int) -> ResponseReturnValue:
    note = notify.open_one(current_user, notification_id)
    if note is None:
        return error(404, _("No such notification."))
    return jsonify(serialise(note))


@bp.post("/notifications/read")
@requires(Perm.SIGNED_IN)
def notifications_read_all() -> ResponseReturnValue:
    notify.mark_all_read(current_user)
    return jsonify({"unread": 0})
