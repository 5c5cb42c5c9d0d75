"""Withdrawing a delivery entry logged by mistake (see
services/delivery_corrections.py); logging one is on the agreement's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.authz import Perm, requires
from symbiosis.errors import InvalidTransition, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.services import delivery_corrections
from symbiosis.web.agreements.routes import load_as_party
from symbiosis.web.forms import CsrfForm

bp = Blueprint("agreement_deliveries", __name__, url_prefix="/agreements")


@bp.post("/<int:agreement_id>/deliveries/<int:delivery_id>/withdraw")
@requires(Perm.ACT_ON_AGREEMENT)
def withdraw(agreement_id: int, delivery_id: int) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        delivery_corrections.withdraw(current_user, agreement.id, delivery_id)
    except NotAllowed:
        abort(404)
    except InvalidTransition as refusal:
        flash(refusal.message, "warning")
    else:
        flash(_("The delivery entry is withdrawn; the totals no longer count it."),
              "success")  # fmt: skip
    return redirect(
        url_for("agreements.detail", agreement_id=agreement.id) + "#deliveries"
    )
