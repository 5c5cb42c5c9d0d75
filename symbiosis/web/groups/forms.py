"""Working-group forms: shapes only; the working-group services check the values."""

from __future__ import annotations

from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models.working_group import (
    MAX_ACTION_TITLE,
    MAX_DECISIONS,
    MAX_MINUTES,
    MAX_NAME,
    MAX_PURPOSE,
    MAX_TOPIC,
)
from symbiosis.web.forms import BaseForm, strip

ROLES = [SelectChoice("member", _l("Member")), SelectChoice("lead", _l("Lead"))]


class GroupForm(BaseForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        description=_l("For example: Mobility group, Waste and cardboard group"),
        render_kw={"maxlength": MAX_NAME, "required": True},
    )
    purpose = TextAreaField(
        _l("Purpose (optional)"),
        filters=[strip],
        description=_l("What the group works on, and what it wants to achieve."),
        render_kw={"rows": 3, "maxlength": MAX_PURPOSE},
    )


class MemberForm(BaseForm):
    user_id = SelectField(_l("Person"), choices=[], validate_choice=False)
    role = SelectField(_l("Role"), choices=ROLES, default="member")


class MeetingForm(BaseForm):
    held_on = DateField(
        _l("Date"), validators=[Optional()], render_kw={"required": True}
    )
    topic = StringField(
        _l("Topic"),
        filters=[strip],
        render_kw={"maxlength": MAX_TOPIC, "required": True},
    )
    minutes = TextAreaField(
        _l("Minutes (optional)"),
        filters=[strip],
        description=_l("Who came, what was said."),
        render_kw={"rows": 5, "maxlength": MAX_MINUTES},
    )
    decisions = TextAreaField(
        _l("Decisions (optional)"),
        filters=[strip],
        render_kw={"rows": 3, "maxlength": MAX_DECISIONS},
    )


class ActionForm(BaseForm):
    title = StringField(
        _l("Action"),
        filters=[strip],
        render_kw={"maxlength": MAX_ACTION_TITLE, "required": True},
    )
    owner_id = SelectField(_l("Owner"), choices=[], validate_choice=False)
    due_on = DateField(
        _l("Due on"), validators=[Optional()], render_kw={"required": True}
    )
    meeting_id = SelectField(
        _l("Decided at the meeting (optional)"), choices=[], validate_choice=False
    )
