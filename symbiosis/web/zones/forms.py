"""Zone manager forms."""

from __future__ import annotations

from wtforms import DecimalField, HiddenField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import REQUIRED, BaseForm, strip


class DecisionForm(BaseForm):
    decision = HiddenField(validators=[AnyOf(["approve", "reject"])])
    reason = TextAreaField(
        _l("Reason (required to reject)"),
        validators=[Optional(), Length(max=2000)],
        filters=[strip],
    )


class LocationForm(BaseForm):
    lat = DecimalField(_l("Latitude"), places=5, validators=[InputRequired(REQUIRED)])
    lon = DecimalField(_l("Longitude"), places=5, validators=[InputRequired(REQUIRED)])
