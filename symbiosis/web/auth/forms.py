"""Sign-in and registration forms."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
)

from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models import OrgKind
from symbiosis.web.forms import (
    REQUIRED,
    BaseForm,
    LongSelectField,
    no_markup,
    password_policy,
    strip,
)

ORG_KINDS = [
    SelectChoice(OrgKind.COMPANY.value, _l("Company")),
    SelectChoice(OrgKind.ASSOCIATION.value, _l("Non-profit organisation")),
    SelectChoice(OrgKind.PUBLIC_BODY.value, _l("Public body")),
]


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
        filters=[strip],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(REQUIRED), Length(max=1024)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class NewAccountForm(BaseForm):
    """Who a new account is: a name and a password (the address is known)."""

    full_name = StringField(
        _l("Your name"),
        validators=[DataRequired(REQUIRED), Length(min=2, max=120), no_markup],
        filters=[strip],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), Length(max=1024), password_policy],
        description=_l("At least 10 characters."),
    )
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )


class RegisterForm(NewAccountForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(check_deliverability=False),
        ],
        filters=[strip],
    )
    mode = RadioField(
        _l("How do you join Symbiosis?"),
        choices=[
            SelectChoice("create", _l("Register a new organisation")),
            SelectChoice("join", _l("Join an organisation already on Symbiosis")),
        ],
        default="create",
        validators=[InputRequired(REQUIRED)],
    )
    org_name = StringField(
        _l("Name of the organisation"),
        validators=[Optional(), Length(min=2, max=200), no_markup],
        filters=[strip],
    )
    org_kind = SelectField(
        _l("Kind of organisation"), choices=ORG_KINDS, default="company"
    )
    nace_code = LongSelectField(
        _l("Main activity (NACE)"), choices=[], validate_choice=False
    )
    zone = SelectField(
        _l("Business zone"),
        choices=[],
        coerce=int,
        validate_choice=False,
        description=_l("The zone's manager approves new organisations."),
    )
    join_organisation = LongSelectField(
        _l("Organisation to join"), choices=[], coerce=int, validate_choice=False
    )

    def validate(self, extra_validators: object = None) -> bool:
        ok = super().validate(extra_validators)
        if self.mode.data == "create" and not self.org_name.data:
            self.org_name.errors = [*self.org_name.errors, str(_l("Enter the name."))]
            ok = False
        if self.mode.data == "join" and not self.join_organisation.data:
            self.join_organisation.errors = [
                *self.join_organisation.errors,
                str(_l("Choose an organisation from the list.")),
            ]
            ok = False
        return ok


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(check_deliverability=False),
        ],
        filters=[strip],
        description=_l("The address you sign in with."),
    )


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(max=1024), password_policy],
        description=_l("At least 10 characters."),
    )
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )
