"""Read a listing's fields from text cells or JSON values (pure).

The import, the JSON API and the CLI all go through :func:`parse_listing`, so
"1 234,5", "oui" and "15 01 03" mean the same everywhere. Messages are
returned untranslated (``N_`` marks them for extraction); the service
translates them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from symbiosis import geo
from symbiosis.listing_words import (
    FALSE,
    KIND_ALIASES,
    KINDS,
    PRICE_ALIASES,
    PRICE_TERMS,
    RESOURCE_ALIASES,
    RESOURCES,
    TRUE,
)
from symbiosis.themes import THEMES, theme_key
from symbiosis.units import Frequency, Unit, UnitError, parse_frequency, parse_unit


def N_(message: str) -> str:
    return message


MAX_QUANTITY = Decimal(10) ** 9
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_DISTANCE_KM = 500
MAX_PRICE = Decimal(10) ** 7

COLUMNS = (
    "kind", "resource", "title", "description", "ewc_code", "quantity", "unit",
    "frequency", "available_from", "available_until", "lat", "lon", "locality",
    "max_distance_km", "price_terms", "price_per_unit", "anonymous",
    "accepts_hazardous", "sdgs", "themes",
)  # fmt: skip
REQUIRED = ("kind", "resource", "title", "quantity", "unit", "frequency")
DEFAULTS: dict[str, Any] = {
    "price_terms": "negotiable",
    "anonymous": False,
    "accepts_hazardous": False,
    "sdgs": (),
    "themes": (),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EWC = re.compile(r"^(\d{2})[\s.\-]?(\d{2})[\s.\-]?(\d{2})\s*\*?$")


@dataclass
class Problem:
    """A field-named, untranslated message with its parameters."""

    field: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class Invalid(ValueError):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        raise Invalid(N_("Expected text."))
    return str(value).strip()


def clean_text(value: Any, *, max_length: int, multiline: bool = False) -> str:
    text = _text(value)
    if len(text) > max_length:
        raise Invalid(N_("At most %(n)d characters."), n=max_length)
    control = _CONTROL if multiline else re.compile(r"[\x00-\x1f\x7f]")
    if control.search(text):
        raise Invalid(N_("Remove the invisible control characters."))
    return text


def parse_decimal(value: Any, group: str = "") -> Decimal:
    """Read "1 234,5", "1.234,5", "1,234.5", "2.5" or a JSON number; "2.400" is
    2400 when ``group``, the reader's thousands mark, is "." (German)."""
    if isinstance(value, bool):
        raise Invalid(N_("Enter a number."))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(N_("Enter a finite number."))
        return Decimal(str(value))
    text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("'", "")  # Swiss-style thousands separator
    if group in (".", ",") and re.fullmatch(rf"[+-]?\d{{1,3}}(\{group}\d{{3}})+", text):
        text = text.replace(group, "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise Invalid(N_("Enter a number."))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Invalid(N_("Enter a number.")) from None


def parse_date(value: Any) -> date | None:
    """Read 2027-03-31, 31/03/2027 or 31.03.2027 (an empty cell is None)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in (
        "%Y-%m-%d",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%Y-%m-%dT%H:%M:%S",
        "%d-%m-%Y",
    ):
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not 2000 <= parsed.year <= 2100:
            raise Invalid(N_("Enter a date between 2000 and 2100."))
        return parsed
    raise Invalid(N_("Enter a date as YYYY-MM-DD or DD/MM/YYYY."))


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = _text(value).casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Invalid(N_("Answer yes or no."))


def parse_choice(
    value: Any, aliases: Mapping[str, str], allowed: tuple[str, ...]
) -> str:
    text = _text(value).casefold()
    if text in aliases:
        return aliases[text]
    raise Invalid(N_("Choose one of: %(choices)s."), choices=", ".join(allowed))


def parse_ewc(value: Any) -> str | None:
    """Read "15 01 03", "150103" or "16 06 01*" as six digits (None when empty)."""
    text = _text(value)
    if not text:
        return None
    match = _EWC.match(text)
    if match is None:
        raise Invalid(N_("A waste code has six digits, like 15 01 03."))
    return "".join(match.groups())


def parse_sdgs(value: Any) -> tuple[int, ...]:
    if value is None or value == "":
        return ()
    items: list[Any]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        items = [p for p in re.split(r"[,;|\s]+", _text(value)) if p]
    numbers = []
    for item in items:
        try:
            number = int(item) if not isinstance(item, bool) else 0
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 17:
            raise Invalid(N_("SDGs are numbers from 1 to 17."))
        numbers.append(number)
    return tuple(sorted(set(numbers)))


def parse_theme_keys(value: Any) -> tuple[str, ...]:
    """Themes of the shared list (keys or names, a list or "sport; culture")."""
    if value is None or value == "":
        return ()
    if isinstance(value, list | tuple):
        items = [_text(item) for item in value]
    else:
        items = re.split(r"[,;|\n]+", _text(value))
    keys: dict[str, None] = {}
    for item in filter(None, (i.strip() for i in items)):
        key = theme_key(item)
        if key is None:
            raise Invalid(
                N_("Unknown theme “%(theme)s”; choose among: %(choices)s."),
                theme=item[:60],
                choices=", ".join(THEMES),
            )
        keys[key] = None
    return tuple(k for k in THEMES if k in keys)


@dataclass
class ListingData:
    """Typed listing fields; only the keys that were given are set."""

    values: dict[str, Any]
    problems: list[Problem]


def parse_listing(raw: Mapping[str, Any]) -> ListingData:
    """Parse every known field of ``raw``; collect all problems at once.

    Edits pass the listing's current fields merged with the changes, so the
    cross-field rules always see a whole listing.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def given(name: str) -> bool:
        value = raw.get(name)
        blank = value is None or (isinstance(value, str) and not value.strip())
        return name in raw and not (name in REQUIRED and blank)

    parsers: dict[str, Any] = {
        "kind": lambda v: parse_choice(v, KIND_ALIASES, KINDS),
        "resource": lambda v: parse_choice(v, RESOURCE_ALIASES, RESOURCES),
        "title": lambda v: clean_text(v, max_length=MAX_TITLE),
        "description": lambda v: (
            clean_text(v, max_length=MAX_DESCRIPTION, multiline=True) or None
        ),
        "ewc_code": parse_ewc,
        "quantity": parse_quantity,
        "unit": _unit,
        "frequency": _frequency,
        "available_from": parse_date,
        "available_until": parse_date,
        "lat": _coordinate,
        "lon": _coordinate,
        "locality": lambda v: clean_text(v, max_length=120) or None,
        "max_distance_km": _distance,
        "price_terms": lambda v: (
            parse_choice(v, PRICE_ALIASES, PRICE_TERMS) if _text(v) else "negotiable"
        ),
        "price_per_unit": _price,
        "anonymous": parse_bool,
        "accepts_hazardous": parse_bool,
        "sdgs": parse_sdgs,
        "themes": parse_theme_keys,
    }
    for name, parse in parsers.items():
        if not given(name):
            if name in REQUIRED:
                problems.append(Problem(name, N_("This field is required.")))
            elif name in DEFAULTS:
                values[name] = DEFAULTS[name]
            continue
        try:
            value = parse(raw[name])
        except Invalid as error:
            problems.append(Problem(name, error.message, error.params))
            continue
        if name in REQUIRED and value in ("", None):
            problems.append(Problem(name, N_("This field is required.")))
            continue
        values[name] = value
    # A field already refused is not also told it is missing.
    refused = {p.field for p in problems}
    problems.extend(p for p in _cross_checks(values, raw) if p.field not in refused)
    return ListingData(values, problems)


def parse_quantity(value: Any, group: str = "") -> Decimal:
    quantity = parse_decimal(value, group)
    if quantity <= 0:
        raise Invalid(N_("The quantity must be more than zero."))
    if quantity > MAX_QUANTITY:
        raise Invalid(N_("The quantity must be at most one billion."))
    if quantity.as_tuple().exponent < -4:  # type: ignore[operator]
        raise Invalid(N_("Use at most four decimals."))
    return quantity


def _unit(value: Any) -> Unit:
    try:
        return parse_unit(_text(value))
    except UnitError:
        raise Invalid(
            N_("Choose one of: %(choices)s."), choices=", ".join(u.value for u in Unit)
        ) from None


def _frequency(value: Any) -> Frequency:
    try:
        return parse_frequency(_text(value))
    except UnitError:
        raise Invalid(
            N_("Choose one of: %(choices)s."),
            choices=", ".join(f.value for f in Frequency),
        ) from None


def _coordinate(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(parse_decimal(value))


def _distance(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    distance = parse_decimal(value)
    if not 0 < distance <= MAX_DISTANCE_KM:
        raise Invalid(N_("Enter a distance from 1 to %(n)d km."), n=MAX_DISTANCE_KM)
    return int(distance.to_integral_value())


def _price(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    price = parse_decimal(value)
    if not 0 <= price <= MAX_PRICE:
        raise Invalid(N_("Enter a price from 0 to 10 million euros."))
    return price


def _cross_checks(values: dict[str, Any], raw: Mapping[str, Any]) -> list[Problem]:
    problems = []
    start, end = values.get("available_from"), values.get("available_until")
    if start and end and end < start:
        problems.append(
            Problem("available_until", N_("The availability ends before it starts."))
        )
    lat, lon = values.get("lat"), values.get("lon")
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        problems.append(Problem(missing, N_("Give both latitude and longitude.")))
    if values.get("accepts_hazardous") and values.get("kind") == "offer":
        problems.append(
            Problem(
                "accepts_hazardous",
                N_("Only a request accepts hazardous waste; untick it for an offer."),
            )
        )
    if lat is not None and not geo.LAT_RANGE[0] <= lat <= geo.LAT_RANGE[1]:
        problems.append(
            Problem("lat", N_("The place must be in Luxembourg or next to it."))
        )
    if lon is not None and not geo.LON_RANGE[0] <= lon <= geo.LON_RANGE[1]:
        problems.append(
            Problem("lon", N_("The place must be in Luxembourg or next to it."))
        )
    problems.extend(price_problems(values, required="price_terms" in raw))
    return problems


def price_problems(
    values: Mapping[str, Any], *, required: bool = True
) -> list[Problem]:
    """A price goes with "price per unit" terms, and only with them."""
    terms, price = values.get("price_terms"), values.get("price_per_unit")
    if terms == "price_per_unit" and price is None and required:
        return [Problem("price_per_unit", N_("Give the price per unit."))]
    if terms in ("free", "negotiable") and price is not None:
        message = N_("A price is only given with 'price per unit'.")
        return [Problem("price_per_unit", message)]
    return []
