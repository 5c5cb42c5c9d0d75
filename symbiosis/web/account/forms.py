"""Profile and password forms."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.web.forms import (
    REQUIRED,
    BaseForm,
    LongSelectField,
    no_markup,
    password_policy,
    strip,
)

LANGUAGE_CHOICES = [
    SelectChoice("fr", "Français"),
    SelectChoice("en", "English"),
    SelectChoice("de", "Deutsch"),
]


class ProfileForm(BaseForm):
    full_name = StringField(
        _l("Your name"),
        validators=[DataRequired(REQUIRED), Length(min=2, max=120), no_markup],
        filters=[strip],
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    mail_notices = SelectField(
        _l("Notifications by e-mail"),
        choices=[
            SelectChoice("each", _l("Each notification, as it comes")),
            SelectChoice("daily", _l("A summary each morning")),
            SelectChoice("weekly", _l("A summary each Monday morning")),
            SelectChoice("never", _l("None: notifications only on the site")),
        ],
        description=_l(
            "Summaries name the notifications you have not read yet on the site."
        ),
    )


class PasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(max=1024), password_policy],
    )
    new_password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("The passwords differ.")),
        ],
    )


class JoinForm(BaseForm):
    join_organisation = LongSelectField(
        _l("Organisation to join"), choices=[], coerce=int, validate_choice=False
    )


class TokenForm(BaseForm):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(REQUIRED), Length(max=80)],
        filters=[strip],
        description=_l("For example the script or tool that will use it."),
    )


class CloseForm(BaseForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )
    understood = BooleanField(
        _l("I understand that my account is deleted for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class EmailForm(BaseForm):
    new_email = EmailField(
        _l("New e-mail address"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(check_deliverability=False),
        ],
        filters=[strip],
        description=_l("A link goes there; the address changes once you follow it."),
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )
