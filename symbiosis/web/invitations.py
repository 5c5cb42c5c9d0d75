"""Following an invitation: register, or sign in and join (see
:mod:`symbiosis.services.invitations`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from symbiosis.authz import public
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.models import Invitation
from symbiosis.services import invitations
from symbiosis.services.accounts import find_user_by_email
from symbiosis.web.auth.forms import NewAccountForm
from symbiosis.web.forms import CsrfForm

bp = Blueprint("invitations", __name__)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept(token: str) -> ResponseReturnValue:
    """A new address registers here; an account signs in, then joins."""
    invitation = invitations.read(token)
    if invitation is None:
        return render_template("invitations/accept.html", invitation=None), 400
    reason = invitations.closed(invitation)
    if reason:
        accepted = invitation.accepted_at is not None
        return render_template(
            "invitations/accept.html",
            invitation=invitation,
            unavailable=reason,
            accepted=accepted,
        ), 200 if accepted else 400
    has_account = find_user_by_email(invitation.email) is not None
    if current_user.is_authenticated:
        return _join(invitation)
    if has_account:
        return render_template(
            "invitations/accept.html", invitation=invitation, sign_in=True
        )
    form = NewAccountForm()
    form.account_email = invitation.email  # what the password must not be
    if form.validate_on_submit():
        try:
            user = invitations.register(
                invitation,
                full_name=form.full_name.data or "",
                password=form.password.data or "",
                locale=str(session.get("lang") or "fr"),
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        except NotAllowed as error:  # accepted or withdrawn meanwhile
            form.form_errors.append(error.message)
        else:
            session.clear()
            login_user(user)
            session["lang"] = user.locale
            flash(_("Welcome to %(org)s!", org=invitation.organisation.name), "success")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "invitations/accept.html", invitation=invitation, form=form
    ), status


def _join(invitation: Invitation) -> ResponseReturnValue:
    refusal = invitations.refusal(invitation, current_user)
    form = CsrfForm()
    if refusal is None and form.validate_on_submit():
        try:
            invitations.join(invitation, current_user)
        except NotAllowed as error:
            refusal = error.message
        else:
            flash(_("Welcome to %(org)s!", org=invitation.organisation.name), "success")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" or refusal else 200
    return render_template(
        "invitations/accept.html", invitation=invitation, refusal=refusal, join=True
    ), status
