"""Read working-group forms and JSON field by field, with errors next to fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from symbiosis.errors import FieldErrors
from symbiosis.i18n import gettext
from symbiosis.listing_fields import Invalid, clean_text, parse_date

# Meetings and due dates lie within this many years of today, either way.
WINDOW_YEARS = 5


class FieldReader:
    """Read form or JSON values field by field, collecting translated errors."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: list[tuple[str, str]] = []

    def fail(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def text(
        self, name: str, max_length: int, *, required: str = "", multiline: bool = False
    ) -> str | None:
        try:
            text = clean_text(
                self.raw.get(name), max_length=max_length, multiline=multiline
            )
        except Invalid as error:
            self.fail(name, gettext(error.message, **error.params))
            return None
        if required and not text:
            self.fail(name, required)
        return text or None

    def day(self, name: str, *, required: str) -> date | None:
        try:
            day = parse_date(self.raw.get(name))
        except Invalid as error:
            self.fail(name, gettext(error.message, **error.params))
            return None
        if day is None:
            self.fail(name, required)
        elif (
            not _years(date.today(), -WINDOW_YEARS)
            <= day
            <= _years(date.today(), WINDOW_YEARS)
        ):
            self.fail(name, gettext("Enter a date within five years of today."))
            return None
        return day

    def number(self, name: str, message: str, *, required: bool = True) -> int | None:
        value = self.raw.get(name)
        if value in (None, "", 0, "0") and not required:
            return None
        try:
            return int(str(value).strip())
        except ValueError:
            self.fail(name, message)
            return None

    def done(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
