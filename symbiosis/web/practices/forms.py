"""Practice sheet form: shapes only; the practice service checks the values."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField

from symbiosis import labels
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.services.practices import FIELDS, MAX_SUMMARY, MAX_TEXT, MAX_TITLE
from symbiosis.web.forms import BaseForm, strip
from symbiosis.web.orgs.forms import MultiCheckboxField

# The languages a sheet is written in, named in their own language.
LANGUAGE = {"fr": "Français", "en": "English", "de": "Deutsch"}
SCALE_NAME = {"time": _l("Time"), "difficulty": _l("Difficulty"), "cost": _l("Cost")}
# What 1, 2 and 3 mean on each scale, shown next to the number.
SCALE_LABEL: dict[str, dict[int, Any]] = {
    "time": {
        1: _l("a few hours or days"),
        2: _l("a few weeks"),
        3: _l("several months"),
    },
    "difficulty": {1: _l("easy"), 2: _l("moderate"), 3: _l("demanding")},
    "cost": {1: _l("low"), 2: _l("medium"), 3: _l("high")},
}


def _scale(name: str) -> RadioField:
    return RadioField(
        SCALE_NAME[name],
        choices=[
            SelectChoice(str(n), f"{n} – {label}")
            for n, label in SCALE_LABEL[name].items()
        ],
        validate_choice=False,
    )


def _text(label: Any, limit: int, rows: int, help_: Any = None) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip],
        description=help_,
        render_kw={"rows": rows, "maxlength": limit},
    )


ONE_PER_LINE = _l("One per line.")


class PracticeForm(BaseForm):
    title = StringField(
        _l("Title"), filters=[strip], render_kw={"maxlength": MAX_TITLE}
    )
    summary = _text(
        _l("Summary"), MAX_SUMMARY, 3, _l("What it is and why it is worth doing.")
    )
    category = SelectField(
        _l("Category"),
        choices=[
            SelectChoice("", _l("— choose —")),
            *(SelectChoice(k, v) for k, v in labels.POOL_CATEGORY.items()),
        ],
        validate_choice=False,
    )
    language = RadioField(
        _l("Language of the sheet"),
        choices=[
            SelectChoice(k, v, render_kw={"lang": k}) for k, v in LANGUAGE.items()
        ],
        default="fr",
        validate_choice=False,
    )
    time = _scale("time")
    difficulty = _scale("difficulty")
    cost = _scale("cost")
    steps = _text(_l("Steps"), MAX_TEXT, 8, _l("One step per line, in order."))
    known_difficulties = _text(
        _l("Known difficulties (optional)"), MAX_TEXT, 4, ONE_PER_LINE
    )
    examples = _text(
        _l("Examples: what firms did (optional)"),
        MAX_TEXT,
        4,
        _l("Separate the examples with an empty line."),
    )
    good_to_know = _text(_l("Good to know (optional)"), MAX_TEXT, 4, ONE_PER_LINE)
    sdgs = MultiCheckboxField(
        _l("Sustainable Development Goals"), choices=[], coerce=int
    )

    def raw(self) -> dict[str, Any]:
        """The submitted values in the shape the practice service reads."""
        return {name: self[name].data for name in FIELDS}


def prefill(values: dict[str, Any]) -> dict[str, Any]:
    """A stored sheet's values as the form shows them (radio values are text)."""
    return {
        name: str(value) if name in SCALE_NAME else value
        for name, value in values.items()
    }
