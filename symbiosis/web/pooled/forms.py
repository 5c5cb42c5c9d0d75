"""Pooled-service forms: shapes only; the pooled service checks the values."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from symbiosis import labels
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import BaseForm, choices, strip


class ServiceForm(BaseForm):
    zone = SelectField(_l("Zone"), choices=[], coerce=int, validate_choice=False)
    category = SelectField(
        _l("Category"), choices=choices(labels.POOL_CATEGORY), validate_choice=False
    )
    title = StringField(_l("Title"), filters=[strip], render_kw={"maxlength": 200})
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        description=_l("What is shared, for whom, how often, who runs it."),
        render_kw={"rows": 5, "maxlength": 5000},
    )
    target_participants = StringField(
        _l("Target number of participants (optional)"),
        filters=[strip],
        render_kw={"inputmode": "numeric"},
    )
    estimated_cost = StringField(
        _l("Estimated cost per year in euros (optional)"),
        filters=[strip],
        render_kw={"inputmode": "decimal"},
    )
    cost_split = SelectField(
        _l("How the cost is split"),
        choices=choices(labels.COST_SPLIT),
        validate_choice=False,
    )
    cost_notes = TextAreaField(
        _l("Notes on the cost (optional)"),
        filters=[strip],
        render_kw={"rows": 2, "maxlength": 5000},
    )
    source_key = HiddenField()

    def raw(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in (
                "category", "title", "description", "target_participants",
                "estimated_cost", "cost_split", "cost_notes",
            )
        }  # fmt: skip


class StepForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Reason"), filters=[strip], render_kw={"rows": 2, "maxlength": 1000}
    )


class EnrolForm(BaseForm):
    commitment = RadioField(
        _l("Our organisation is"),
        choices=choices(labels.COMMITMENT),
        default="interested",
        validate_choice=False,
    )


class WasteForm(BaseForm):
    ewc_code = StringField(
        _l("European waste code"),
        filters=[strip],
        description=_l("Type a code (15 01 01) or words."),
        render_kw={"list": "ewc-options", "autocomplete": "off", "maxlength": 12},
    )
    quantity = StringField(
        _l("Quantity"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    unit = SelectField(_l("Unit"), choices=choices(labels.UNIT), validate_choice=False)
    frequency = SelectField(
        _l("How often"), choices=choices(labels.FREQUENCY), validate_choice=False
    )

    def raw(self) -> dict[str, object]:
        return {n: self[n].data for n in ("ewc_code", "quantity", "unit", "frequency")}
