"""Emission factor sets: the facilitator sees them and adds a newer one."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Optional

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors
from symbiosis.i18n import gettext
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.services import factor_sets
from symbiosis.web.forms import BaseForm, strip
from symbiosis.web.monitoring.routes import bp


class FactorSetForm(BaseForm):
    name = StringField(
        _l("Name of the set"),
        filters=[strip],
        description=_l("For example DESNZ-2026."),
    )
    valid_from = DateField(
        _l("Applies to exchanges from"),
        validators=[Optional()],
        description=_l("Deliveries logged for this day and later use the new set."),
    )
    source = TextAreaField(
        _l("Publication and licence"), filters=[strip], render_kw={"rows": 2}
    )
    file = FileField(
        _l("Factors (CSV)"),
        description=_l(
            "Columns source_id, level_1 … level_4, column_text, unit, "
            "kg_co2e_per_unit, as in the seeded file."
        ),
    )


def _page(form: FactorSetForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "monitoring/factors.html", form=form, sets=factor_sets.sets()
    ), status


@bp.get("/factors")
@requires(Perm.FACILITATOR)
def factors() -> ResponseReturnValue:
    return _page(FactorSetForm())


@bp.post("/factors")
@requires(Perm.FACILITATOR)
def factors_add() -> ResponseReturnValue:
    form = FactorSetForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    upload = form.file.data
    text = ""
    if upload is not None and bool(getattr(upload, "filename", None)):
        data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
            form.file.errors = [gettext("The file is too large.")]
            return _page(form, 422)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [gettext("Save the file as UTF-8 text.")]
            return _page(form, 422)
    try:
        added = factor_sets.add_set(
            current_user,
            form.name.data or "",
            form.valid_from.data,
            form.source.data or "",
            text,
        )
    except FieldErrors as problems:
        for name, message in problems.errors:
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return _page(form, 422)
    flash(gettext("The set %(name)s is added.", name=added.name), "success")
    return redirect(url_for("monitoring.factors"))
