"""Event forms: shapes only; the event services check the values."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from symbiosis import labels
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import BaseForm, LongSelectField, choices, strip
from symbiosis.web.orgs.forms import MultiCheckboxField


def _number(label: object, low: int, high: int) -> StringField:
    return StringField(
        label,
        filters=[strip],
        render_kw={"type": "number", "min": low, "max": high, "inputmode": "numeric"},
    )


class EventForm(BaseForm):
    version = HiddenField()
    title = StringField(_l("Title"), filters=[strip], render_kw={"maxlength": 200})
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[strip],
        render_kw={"rows": 4, "maxlength": 5000},
    )
    date = StringField(_l("Date"), filters=[strip], render_kw={"type": "date"})
    time = StringField(
        _l("Start of the first round"),
        filters=[strip],
        description=_l("Local time, like 18:30."),
        render_kw={"type": "time"},
    )
    place = StringField(_l("Place"), filters=[strip], render_kw={"maxlength": 200})
    zone_id = SelectField(
        _l("Zone (optional)"), choices=[], coerce=int, validate_choice=False
    )
    themes = StringField(
        _l("Themes (optional)"),
        filters=[strip],
        description=_l(
            "Separate them with commas; organisations choose theirs among them."
        ),
        render_kw={"maxlength": 700},
    )
    tables = _number(_l("Number of tables"), 1, 200)
    rounds = _number(_l("Number of rounds"), 1, 20)
    minutes_per_round = _number(_l("Minutes per round"), 5, 240)
    pairs = RadioField(
        _l("Who meets whom"),
        choices=choices(labels.EVENT_PAIRS),
        default="mixed",
        validate_choice=False,
    )

    def raw(self) -> dict[str, object]:
        return {
            name: self[name].data
            for name in (
                "title", "description", "date", "time", "place", "zone_id",
                "themes", "tables", "rounds", "minutes_per_round", "pairs",
            )
        }  # fmt: skip


class RegistrationForm(BaseForm):
    organisation = LongSelectField(
        _l("Organisation"), choices=[], coerce=int, validate_choice=False
    )
    offers = TextAreaField(
        _l("What we offer this evening"),
        filters=[strip],
        description=_l(
            "One per line: skills, services, goods (volunteer days, a meeting "
            "room, IT support...)."
        ),
        render_kw={"rows": 4},
    )
    seeks = TextAreaField(
        _l("What we seek"),
        filters=[strip],
        description=_l("One per line."),
        render_kw={"rows": 4},
    )
    sdgs = MultiCheckboxField(
        _l("Sustainable Development Goals"), choices=[], validate_choice=False
    )
    themes = MultiCheckboxField(_l("Themes"), choices=[], validate_choice=False)

    def raw(self) -> dict[str, object]:
        return {n: self[n].data for n in ("offers", "seeks", "sdgs", "themes")}


class VersionForm(BaseForm):
    """A button that acts on the event as the page showed it."""

    version = HiddenField()


class LockForm(VersionForm):
    lock = HiddenField()


class SwapForm(VersionForm):
    round = SelectField(_l("Round"), choices=[], validate_choice=False)
    first = LongSelectField(_l("Organisation"), choices=[], validate_choice=False)
    second = LongSelectField(
        _l("Exchanges its seat with"), choices=[], validate_choice=False
    )

    def raw(self) -> dict[str, object]:
        return {n: self[n].data for n in ("round", "first", "second")}


class MoveForm(VersionForm):
    round = SelectField(_l("Round"), choices=[], validate_choice=False)
    table = SelectField(_l("Table no."), choices=[], validate_choice=False)
    to_round = SelectField(_l("To round"), choices=[], validate_choice=False)
    to_table = SelectField(_l("To table no."), choices=[], validate_choice=False)

    def raw(self) -> dict[str, object]:
        return {n: self[n].data for n in ("round", "table", "to_round", "to_table")}
