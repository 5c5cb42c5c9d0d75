"""The good-practice library: everyone browses and reads; facilitators write."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from symbiosis import labels
from symbiosis.authz import Perm, public, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Practice, Sdg
from symbiosis.models.practice import SCALE, split_lines
from symbiosis.services import practices as service
from symbiosis.web.choices import sdg_choices
from symbiosis.web.practices.forms import (
    LANGUAGE,
    SCALE_LABEL,
    SCALE_NAME,
    PracticeForm,
    prefill,
)

bp = Blueprint("practices", __name__, url_prefix="/practices")


def _context() -> dict[str, Any]:
    """What every practice page needs to name categories, scales and languages
    (in a picker, each in its own language)."""
    return {
        "labels": labels,
        "scale_name": SCALE_NAME,
        "scale_label": SCALE_LABEL,
        "scale_values": SCALE,
        "language_names": LANGUAGE,
        # in a sentence, a language is named in the reader's: "Rédigée en anglais"
        "language_in_text": {
            code: Locale.parse(code).get_display_name(get_locale()) for code in LANGUAGE
        },
    }


def _get(slug: str) -> Practice:
    practice = service.get_practice(slug)
    if practice is None:
        abort(404)
    return practice


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    filters = service.PracticeFilters.from_args(request.args)
    return render_template(
        "practices/index.html",
        practices=service.list_practices(filters),
        filters=filters,
        sdgs=db.session.scalars(sa.select(Sdg).order_by(Sdg.number)).all(),
        **_context(),
    )


@bp.get("/<slug>")
@public
def detail(slug: str) -> ResponseReturnValue:
    practice = _get(slug)
    related = [
        p
        for p in service.practices_for_category(practice.category)
        if p is not practice
    ]
    return render_template(
        "practices/detail.html",
        practice=practice,
        related=related,
        lines=split_lines,
        **_context(),
    )


def _form(practice: Practice | None = None) -> PracticeForm:
    values = prefill(service.as_raw(practice)) if practice is not None else None
    form = PracticeForm(data=values)
    form.sdgs.choices = sdg_choices()
    return form


def _form_page(
    form: PracticeForm, practice: Practice | None, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "practices/form.html", form=form, practice=practice, **_context()
        ),
        status,
    )


@bp.get("/new")
@requires(Perm.FACILITATOR)
def new() -> ResponseReturnValue:
    return _form_page(_form(), None)


@bp.post("/new")
@requires(Perm.FACILITATOR)
def new_submit() -> ResponseReturnValue:
    form = _form()
    if form.validate_on_submit():
        try:
            practice = service.create_practice(current_user, form.raw())
        except FieldErrors as errors:
            errors.apply_to(form)
        except NotAllowed:
            abort(403)
        else:
            flash(_("The practice sheet is published."), "success")
            return redirect(url_for(".detail", slug=practice.slug))
    return _form_page(form, None, 422)


@bp.get("/<slug>/edit")
@requires(Perm.FACILITATOR)
def edit(slug: str) -> ResponseReturnValue:
    practice = _get(slug)
    return _form_page(_form(practice), practice)


@bp.post("/<slug>/edit")
@requires(Perm.FACILITATOR)
def edit_submit(slug: str) -> ResponseReturnValue:
    practice = _get(slug)
    form = _form(practice)
    if form.validate_on_submit():
        try:
            service.update_practice(current_user, practice, form.raw())
        except FieldErrors as errors:
            errors.apply_to(form)
        except NotAllowed:
            abort(403)
        else:
            flash(_("The practice sheet is saved."), "success")
            return redirect(url_for(".detail", slug=practice.slug))
    return _form_page(form, practice, 422)
