"""Numbers, amounts, distances and moments as the reader's language writes
them ("2,5", "2 400,50 €", "12,3 km", "28 nov. 2026, 11:20"). The template
filters ``decimal``, ``euros``, ``distance`` and ``datetimeformat`` are these.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import parse_pattern
from flask_babel import format_date, format_time, get_locale

from symbiosis.i18n import gettext

# Parsed once: Babel's format_decimal parses its pattern at every call.
# At most this many decimals, no trailing zeros: a figure shown for reading.
AT_MOST = {places: parse_pattern("#,##0." + "#" * places) for places in range(5)}
DECIMAL = AT_MOST[4]  # as stored (quantities keep four decimals)
TENTHS = parse_pattern("#,##0.0")
# In a form field: no thousands mark, which a reader of another language
# could take for a decimal one ("2.400" is 2.4 in English).
UNGROUPED = parse_pattern("0.####")


def _written(value: Any, pattern: Any) -> str:
    """``value`` in the reader's language by ``pattern``; "" for None."""
    if value is None:
        return ""
    shown = value.normalize() if isinstance(value, Decimal) else value
    return str(pattern.apply(shown, get_locale()))


def number(value: Any, places: int | None = None) -> str:
    """2.5000 → "2,5" in French, "2.5" in English (no trailing zeros); with
    ``places``, rounded to at most that many decimals (1234.567, 0 → "1 235")."""
    return _written(value, DECIMAL if places is None else AT_MOST[places])


def field_number(value: Any) -> str:
    """A number to edit in a form field: the reader's decimal mark, no
    thousands mark (2400.5 → "2400,5" in French, "2400.5" in English)."""
    return _written(value, UNGROUPED)


def moment(value: Any) -> str:
    """A date and time as the reader's language writes them, the date as
    elsewhere on the site (``28.11.2026, 11:20``, ``28 nov. 2026, 11:20``),
    without seconds; in the user's time zone."""
    if not value:
        return ""
    pattern = str(get_locale().datetime_formats["medium"])
    day = str(format_date(value, format="medium"))
    time = str(format_time(value, format="short"))
    return pattern.replace("{1}", day).replace("{0}", time)


def euros(value: Decimal | float | str) -> str:
    """An amount in the reader's format, cents only when there are some:
    "2 400,50 €" and "2 400 €" in French, "€2,400.50" in English (a sum
    read back from stored figures may come as a float or a string)."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    locale = get_locale() or Locale.parse("fr")
    pattern = locale.currency_formats["standard"]
    if value == value.to_integral_value():
        pattern = copy.copy(pattern)
        pattern.frac_prec = (0, 0)
    return str(pattern.apply(value, locale, currency="EUR", currency_digits=False))


def distance(km: float) -> str:
    """12.345 → "12,3 km" in French, "12.3 km" in English."""
    return str(gettext("%(km)s km", km=TENTHS.apply(km, get_locale())))
