"""Agreements: propose, answer, follow up, print."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from symbiosis import formats, labels
from symbiosis.authz import Perm, requires
from symbiosis.errors import (
    FieldErrors,
    Forbidden,
    InvalidTransition,
    NotAllowed,
    StaleObject,
)
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Agreement, Listing, Match
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services import impacts
from symbiosis.services.agreement_terms import over_offer, terms_of
from symbiosis.services.listings import shown_to
from symbiosis.web.agreements.forms import (
    ChecklistForm,
    DeliveryForm,
    MessageForm,
    StepForm,
    TermsForm,
)
from symbiosis.web.agreements.parties import party_name
from symbiosis.workflow.agreement import (
    OPEN,
    AgreementAction,
    AgreementState,
    next_step,
)

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


def _load(agreement_id: int) -> Agreement:
    try:
        return service.get(current_user, agreement_id)
    except NotAllowed:
        abort(404)


def load_as_party(agreement_id: int) -> Agreement:
    """The agreement for one of its parties: 404 unseen, 403 for onlookers."""
    agreement = _load(agreement_id)
    if service.party_of(current_user, agreement) is None:
        abort(403)
    return agreement


@bp.get("/")
@requires(Perm.VIEW_AGREEMENT)
def index() -> ResponseReturnValue:
    state = request.args.get("state") or None
    if state not in (None, OPEN, *AgreementState):
        state = None
    listing = db.session.get(Listing, request.args.get("listing", 0, type=int))
    rows = service.visible(current_user, state, listing.id if listing else None)
    steps = {
        a.id: next_step(AgreementState(a.state), service.party_of(current_user, a))
        for a in rows
    }
    return render_template(
        "agreements/index.html",
        rows=rows,
        steps=steps,
        state=state,
        listing=listing if rows else None,
        labels=labels,
        party_name=party_name,
    )


def _pair_from_args() -> tuple[Listing | None, Listing | None, Match | None]:
    """The other firm's listing and, when known, ours (from a match)."""
    match = None
    if request.args.get("match", type=int):
        match = db.session.get(Match, request.args.get("match", type=int))
        if match is None or current_user.organisation_id not in (
            match.offer.organisation_id,
            match.request.organisation_id,
        ):
            abort(404)
        own = current_user.organisation_id
        mine = match.offer if match.offer.organisation_id == own else match.request
        return match.other(mine.id), mine, match
    theirs = db.session.get(Listing, request.args.get("listing", 0, type=int))
    if theirs is None or theirs.state != "active":
        abort(404)
    return theirs, None, None


def _mine_choices(theirs: Listing) -> list[tuple[int, str]]:
    wanted = "request" if theirs.kind == "offer" else "offer"
    rows = db.session.scalars(
        sa.select(Listing)
        .where(
            Listing.organisation_id == current_user.organisation_id,
            Listing.kind == wanted,
            Listing.state == "active",
        )
        .order_by(Listing.title)
    )
    return [(listing.id, listing.title) for listing in rows]


@bp.route("/new", methods=["GET", "POST"])
@requires(Perm.ACT_ON_AGREEMENT)
def new() -> ResponseReturnValue:
    theirs, mine, match = _pair_from_args()
    assert theirs is not None  # noqa: S101 - _pair_from_args aborts otherwise  # nosec B101
    if theirs.organisation_id == current_user.organisation_id:
        abort(404)
    form = TermsForm()
    form.mine.choices = _mine_choices(theirs)
    if mine is not None:
        form.mine.choices = [(mine.id, mine.title)]
    if request.method == "GET":
        form.prefill(theirs, mine)
    if form.validate_on_submit():
        own = db.session.get(Listing, form.mine.data) if form.mine.data else None
        offer, req = (theirs, own) if theirs.kind == "offer" else (own, theirs)
        try:
            agreement = service.propose(
                current_user,
                offer.id if offer else None,
                req.id if req else None,
                form.raw(),
                match_id=match.id if match else None,
                confirm=form.confirm.data,
                submission_key=form.submission.data or None,
            )
        except FieldErrors as errors:
            _place(errors, form)
        else:
            flash(_("Your proposal is sent to the other party."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template(
        "agreements/form.html",
        form=form,
        theirs=theirs,
        shown=shown_to(current_user, theirs),
        match=match,
        agreement=None,
        labels=labels,
        over_offer=form.errors and over_offer(form.raw(), _offer_of(theirs, form)),
    ), (422 if request.method == "POST" else 200)


def _offer_of(theirs: Listing, form: TermsForm) -> Listing | None:
    if theirs.kind == "offer":
        return theirs
    return db.session.get(Listing, form.mine.data) if form.mine.data else None


def _place(errors: FieldErrors, form: TermsForm) -> None:
    """Listing errors go on the listing picker; the rest next to their field."""
    renamed = [
        ("mine" if name in ("offer_id", "request_id") else name, message)
        for name, message in errors.errors
    ]
    FieldErrors(renamed).apply_to(form)


@bp.get("/<int:agreement_id>")
@requires(Perm.VIEW_AGREEMENT)
def detail(agreement_id: int) -> ResponseReturnValue:
    agreement = _load(agreement_id)
    return _render_detail(agreement)


def _render_detail(agreement: Agreement, **forms: Any) -> ResponseReturnValue:
    step = forms.get("step") or StepForm(version=agreement.version)
    step.version.data = str(agreement.version)
    totals = impacts.totals(agreement)
    moved = impacts.moved(agreement, totals)
    if not step.actual_unit.data or request.method == "GET":
        step.actual_unit.data = agreement.unit
    if request.method == "GET" and moved[0] is not None:
        # completing starts from what the deliveries logged
        step.actual_quantity.data = formats.field_number(moved[0])
        step.actual_unit.data = moved[1]
    delivery = forms.get("delivery") or DeliveryForm(
        unit=agreement.unit, delivered_on=date.today()
    )
    checklist = ChecklistForm()
    own = current_user.organisation_id
    ticks = thread.ticked(agreement)
    checklist.items.data = [item for item, orgs in ticks.items() if own in orgs]
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        party=service.party_of(current_user, agreement),
        actions=service.actions_for(current_user, agreement, page=True),
        party_name=party_name,
        messages=thread.messages(agreement.id),
        ticks=ticks,
        totals=totals,
        moved=moved,
        step=step,
        delivery=delivery,
        message=forms.get("message") or MessageForm(),
        checklist=checklist,
        failed=forms.get("failed"),
        labels=labels,
        terms=terms_of(agreement),
    ), (422 if forms else 200)


@bp.post("/<int:agreement_id>/step/<action>")
@requires(Perm.ACT_ON_AGREEMENT)
def act(agreement_id: int, action: str) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    if action not in {a.value for a in AgreementAction} - {"expire", "counter"}:
        abort(404)
    form = StepForm()
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    raw = {
        "reason": form.reason.data,
        "actual_quantity": form.actual_quantity.data,
        "actual_unit": form.actual_unit.data,
    }
    try:
        service.act(current_user, agreement.id, action, form.version.data, raw)
    except NotAllowed:
        abort(404)
    except (InvalidTransition, Forbidden, StaleObject) as refusal:
        flash(refusal.message, "warning")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    except FieldErrors as errors:
        db.session.refresh(agreement)
        errors.apply_to(form)
        return _render_detail(agreement, step=form, failed=action)
    flash(
        _("Done: the agreement is %(state)s.", state=labels.action_label(action)),
        "success",
    )
    return redirect(url_for(".detail", agreement_id=agreement.id))


@bp.route("/<int:agreement_id>/counter", methods=["GET", "POST"])
@requires(Perm.ACT_ON_AGREEMENT)
def counter(agreement_id: int) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    if AgreementAction.COUNTER not in service.actions_for(current_user, agreement):
        flash(_("New terms cannot be proposed at this stage."), "warning")
        return redirect(url_for(".detail", agreement_id=agreement.id))
    form = TermsForm()
    form.mine.choices = []
    version = request.form.get("version", str(agreement.version))
    if request.method == "GET":
        for name, value in {
            "quantity": formats.field_number(agreement.quantity),
            "unit": agreement.unit,
            "frequency": agreement.frequency,
            "start": agreement.start_on,
            "end": agreement.end_on,
            "price_terms": agreement.price_terms,
            "price_per_unit": formats.field_number(agreement.price_per_unit),
            "transport_by": agreement.transport_by,
            "conditions": agreement.conditions,
        }.items():
            form[name].data = value
    elif form.validate_on_submit():
        try:
            service.act(
                current_user,
                agreement.id,
                "counter",
                version,
                {**form.raw(), "comment": request.form.get("comment")},
                confirm=form.confirm.data,
            )
        except (InvalidTransition, Forbidden, StaleObject) as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for(".detail", agreement_id=agreement.id))
        except FieldErrors as errors:
            _place(errors, form)
        else:
            flash(_("Your new terms are sent to the other party."), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    theirs = (
        agreement.request
        if current_user.organisation_id == agreement.supplier_id
        else agreement.offer
    )
    return render_template(
        "agreements/form.html",
        form=form,
        theirs=theirs,
        shown=shown_to(current_user, theirs),
        match=None,
        agreement=agreement,
        version=version,
        labels=labels,
        over_offer=form.errors and over_offer(form.raw(), agreement.offer),
    ), (422 if form.errors else 200)


@bp.post("/<int:agreement_id>/checklist")
@requires(Perm.ACT_ON_AGREEMENT)
def checklist(agreement_id: int) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    form = ChecklistForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        thread.tick(current_user, agreement.id, list(form.items.data or []))
    except NotAllowed:
        abort(404)
    except FieldErrors as errors:
        flash(errors.errors[0][1], "warning")
    else:
        flash(_("Checklist saved."), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id) + "#checklist")


@bp.post("/<int:agreement_id>/deliveries")
@requires(Perm.ACT_ON_AGREEMENT)
def deliveries(agreement_id: int) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    form = DeliveryForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_detail(agreement, delivery=form, failed="delivery")
    try:
        thread.log_delivery(
            current_user,
            agreement.id,
            form.raw(),
            submission_key=form.submission.data or None,
        )
    except NotAllowed:
        abort(404)
    except FieldErrors as errors:
        errors.apply_to(form)
        return _render_detail(agreement, delivery=form, failed="delivery")
    flash(_("Delivery logged."), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id) + "#deliveries")


@bp.post("/<int:agreement_id>/messages")
@requires(Perm.ACT_ON_AGREEMENT)
def messages(agreement_id: int) -> ResponseReturnValue:
    agreement = load_as_party(agreement_id)
    form = MessageForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_detail(agreement, message=form, failed="message")
    try:
        thread.post_message(current_user, agreement.id, form.body.data)
    except NotAllowed:
        abort(404)
    except FieldErrors as errors:
        errors.apply_to(form)
        return _render_detail(agreement, message=form, failed="message")
    return redirect(url_for(".detail", agreement_id=agreement.id) + "#messages")


@bp.get("/<int:agreement_id>/print")
@requires(Perm.VIEW_AGREEMENT)
def printable(agreement_id: int) -> ResponseReturnValue | Response:
    agreement = _load(agreement_id)
    totals = impacts.totals(agreement)
    return render_template(
        "agreements/print.html",
        agreement=agreement,
        party_name=party_name,
        totals=totals,
        moved=impacts.moved(agreement, totals),
        labels=labels,
        today=date.today(),
    )
