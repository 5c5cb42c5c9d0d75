"""Form base class and validators shared by every feature."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, Form, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import Select

from symbiosis.i18n import gettext
from symbiosis.i18n import lazy_gettext as _l

# WTForms' own wording differs from the services' ("Ce champ est requis.",
# "Dieses Feld wird benötigt."): every form says it the same way.
REQUIRED = _l("This field is required.")


class BaseForm(FlaskForm):  # type: ignore[misc]
    """Reject control characters in every text field before other checks run."""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField | TextAreaField) and isinstance(
                field.data, str
            ):
                allowed = "\n\r\t" if isinstance(field, TextAreaField) else ""
                if any(ord(c) < 32 and c not in allowed for c in field.data):
                    field.errors = [
                        *field.errors,
                        str(_l("Remove the invisible control characters.")),
                    ]
                    ok = False
        return ok


class CsrfForm(BaseForm):
    """A form of buttons only: the CSRF token is all it carries."""


class QuickSelect(Select):  # type: ignore[misc]
    """WTForms' select, writing each plain option in one step.

    WTForms builds every option through ``html_params`` and
    ``Markup.format``: the sign-up form's 1,100 options (NACE classes and
    organisations) took 35 ms of its page on the 2-core bench machine. An
    option with attributes of its own still goes the WTForms way; the HTML is
    the same either way.
    """

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        quoted = escape(value).replace(Markup('"'), Markup("&quot;"))
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{quoted}">{label}</option>')  # noqa: S704 - escaped above  # nosec B704


class LongSelectField(SelectField):  # type: ignore[misc]
    """A select of hundreds of choices (organisations, NACE classes)."""

    widget = QuickSelect()


def no_markup(_form: Form, field: Field) -> None:
    """Refuse ``<`` and ``>`` in names: they are never part of a real one."""
    if field.data and ("<" in field.data or ">" in field.data):
        # gettext, not the lazy string: a lazy string counts as safe HTML in Jinja.
        raise ValidationError(gettext("The characters < and > are not allowed here."))


def password_policy(form: Form, field: Field) -> None:
    """The password rules, checked with the other fields so that every error
    shows at once. The address it must not be is the form's ``email`` field,
    else its ``account_email`` (set by the view)."""
    from symbiosis.services.accounts import check_password_policy

    address = getattr(form, "email", None)
    email = (address.data if address is not None else None) or getattr(
        form, "account_email", ""
    )
    problems = check_password_policy(field.data or "", email or "", field.name)
    if problems:
        raise ValidationError(problems[0][1])


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a local path, so redirects never leave the site."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return None
    if "\\" in target:
        return None
    return target


def choices(table: dict[str, object]) -> list[SelectChoice]:
    """Select options from a ``{value: translated label}`` table of labels.py."""
    return [SelectChoice(key, label) for key, label in table.items()]
