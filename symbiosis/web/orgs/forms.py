"""Organisation profile and membership forms."""

from __future__ import annotations

from wtforms import (
    EmailField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.services.zones import LAT_RANGE, LON_RANGE
from symbiosis.web.auth.forms import ORG_KINDS
from symbiosis.web.forms import REQUIRED, BaseForm, LongSelectField, no_markup, strip


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(REQUIRED), Length(min=2, max=200), no_markup],
        filters=[strip],
    )
    kind = SelectField(_l("Kind of organisation"), choices=ORG_KINDS)
    nace_code = LongSelectField(
        _l("Main activity (NACE)"), choices=[], validate_choice=False
    )
    description = TextAreaField(
        _l("What you do"), validators=[Optional(), Length(max=4000)], filters=[strip]
    )
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=300),
            URL(message=_l("Enter a full address, https://…")),
        ],
        filters=[strip],
    )
    street = StringField(
        _l("Street and number"),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=10)],
        filters=[strip],
        description=_l("For example L-1234"),
    )
    locality = StringField(
        _l("Locality"), validators=[Optional(), Length(max=120)], filters=[strip]
    )
    lat = FloatField(
        _l("Latitude"),
        validators=[
            Optional(),
            NumberRange(
                *LAT_RANGE, message=_l("Latitude must lie in Luxembourg or next to it.")
            ),
        ],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[
            Optional(),
            NumberRange(
                *LON_RANGE,
                message=_l("Longitude must lie in Luxembourg or next to it."),
            ),
        ],
    )
    sdgs = MultiCheckboxField(
        _l("Sustainable Development Goals"), choices=[], coerce=int
    )


class ZoneRequestForm(BaseForm):
    zone = SelectField(
        _l("Zone to join"), choices=[], coerce=int, validate_choice=False
    )


class InviteForm(BaseForm):
    email = EmailField(
        _l("Colleague's e-mail"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(check_deliverability=False),
        ],
        filters=[strip],
        description=_l("They get a link to join as a member, good for 14 days."),
    )
