"""Form base class and validators shared by every feature."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import Field, Form, SelectChoice, StringField, TextAreaField
from wtforms.validators import ValidationError

from symbiosis.i18n import gettext
from symbiosis.i18n import lazy_gettext as _l


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


def no_markup(_form: Form, field: Field) -> None:
    """Refuse ``<`` and ``>`` in names: they are never part of a real one."""
    if field.data and ("<" in field.data or ">" in field.data):
        # gettext, not the lazy string: a lazy string counts as safe HTML in Jinja.
        raise ValidationError(gettext("The characters < and > are not allowed here."))


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
