"""Listing forms: shapes only; the listing service checks the values."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from symbiosis import labels, themes
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import BaseForm, LongSelectField, choices, strip
from symbiosis.web.orgs.forms import MultiCheckboxField


def theme_choices() -> list[SelectChoice]:
    """The shared list of themes, labelled in the reader's language."""
    return [SelectChoice(key, _l(label)) for key, label in themes.THEMES.items()]


class ListingForm(BaseForm):
    kind = RadioField(
        _l("I post"),
        choices=[
            SelectChoice("offer", _l("an offer: we have it")),
            SelectChoice("request", _l("a request: we need it")),
        ],
        default="offer",
    )
    resource = SelectField(_l("Resource"), choices=choices(labels.RESOURCE))
    title = StringField(_l("Title"), filters=[strip], render_kw={"maxlength": 200})
    description = TextAreaField(
        _l("Description"), filters=[strip], render_kw={"rows": 4, "maxlength": 5000}
    )
    ewc_code = StringField(
        _l("European waste code (optional)"),
        filters=[strip],
        description=_l("Type a code (15 01 03) or words; codes with * are hazardous."),
        render_kw={"list": "ewc-options", "autocomplete": "off", "maxlength": 12},
    )
    quantity = StringField(
        _l("Quantity"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    unit = SelectField(_l("Unit"), choices=choices(labels.UNIT))
    frequency = SelectField(_l("How often"), choices=choices(labels.FREQUENCY))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(
        _l("Available until (optional)"),
        validators=[Optional()],
        description=_l(
            "The listing expires after this day; you are told a week before."
        ),
    )
    locality = StringField(
        _l("Locality"),
        filters=[strip],
        description=_l("Leave empty to use your organisation's address."),
        render_kw={"list": "locality-options", "autocomplete": "off", "maxlength": 120},
    )
    lat = StringField(
        _l("Latitude (optional)"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    lon = StringField(
        _l("Longitude (optional)"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    max_distance_km = StringField(
        _l("Maximum transport distance in km (optional)"),
        filters=[strip],
        render_kw={"inputmode": "numeric"},
    )
    price_terms = SelectField(
        _l("Price"), choices=choices(labels.PRICE_TERMS), default="negotiable"
    )
    price_per_unit = StringField(
        _l("Price per unit in euros"),
        filters=[strip],
        render_kw={"inputmode": "decimal"},
    )
    sdgs = MultiCheckboxField(
        _l("Sustainable Development Goals"), choices=[], coerce=int
    )
    # The service names an unknown theme; the boxes only give the shape.
    themes = MultiCheckboxField(
        _l("Themes"),
        choices=[],
        validate_choice=False,
        description=_l("Listings with a theme in common rank a little higher."),
    )
    anonymous = BooleanField(
        _l(
            "Anonymous: others see the zone, the material and the quantity, not our name"  # noqa: E501 - one message
        ),
    )
    accepts_hazardous = BooleanField(
        _l("We are authorised to take hazardous waste (requests only)")
    )

    def raw(self) -> dict[str, object]:
        """The submitted values in the shape the listing service reads."""
        data = {name: self[name].data for name in (
            "kind", "resource", "title", "description", "ewc_code", "quantity", "unit",
            "frequency", "available_from", "available_until", "locality", "lat", "lon",
            "max_distance_km", "price_terms", "price_per_unit", "sdgs", "themes",
            "anonymous", "accepts_hazardous",
        )}  # fmt: skip
        if data["price_terms"] != "price_per_unit":
            data["price_per_unit"] = None
        return data


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV or Excel file"),
        description=_l(
            "Columns as in the template; ; or , separators, UTF-8 or Windows text."
        ),
    )
    organisation = LongSelectField(
        _l("For the organisation"),
        choices=[],
        coerce=int,
        validate_choice=False,
        description=_l("Or leave empty and name each row's organisation in the file."),
    )


class FollowSearchForm(BaseForm):
    """Follow the search shown: its filters travel as hidden fields."""

    name = StringField(
        _l("Name of the search"),
        filters=[strip],
        render_kw={"maxlength": 80},
        description=_l(
            "Once a day, you hear of the listings that other organisations "
            "posted and that this search finds."
        ),
    )
