from datetime import date
from decimal import Decimal

import pytest

from symbiosis.listing_fields import parse_decimal, parse_ewc, parse_listing
from symbiosis.units import Frequency, Unit

GOOD = {
    "kind": "offer",
    "resource": "material",
    "title": "Palettes en bois",
    "quantity": "2,5",
    "unit": "t",
    "frequency": "monthly",
}


def problems(raw: dict) -> dict[str, str]:
    return {p.field: p.message for p in parse_listing(raw).problems}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,5", "2.5"),
        ("1 234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("2.5", "2.5"),
        ("\u00a01\u202f000", "1000"),
        (7, "7"),
        (0.25, "0.25"),
        ("-3", "-3"),
    ],
)
def test_decimal_spellings(text: object, expected: str) -> None:
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3x", "NaN", "inf", "1e5", True, float("nan"), float("inf")]
)
def test_not_numbers(text: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - Invalid carries the message
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("15 01 03", "150103"),
        ("150103", "150103"),
        ("16 06 01*", "160601"),
        ("15.01.03", "150103"),
        ("", None),
    ],
)
def test_waste_codes(text: str, code: str | None) -> None:
    assert parse_ewc(text) == code


def test_good_row_is_typed() -> None:
    data = parse_listing(
        {
            **GOOD,
            "available_from": "31/03/2027",
            "anonymous": "oui",
            "sdgs": "12; 13",
            "ewc_code": "15 01 03",
        }
    )
    assert data.problems == []
    assert data.values["quantity"] == Decimal("2.5")
    assert data.values["unit"] is Unit.T
    assert data.values["frequency"] is Frequency.MONTHLY
    assert data.values["available_from"] == date(2027, 3, 31)
    assert data.values["anonymous"] is True
    assert data.values["sdgs"] == (12, 13)
    assert data.values["price_terms"] == "negotiable"


def test_french_and_german_words() -> None:
    data = parse_listing(
        {
            **GOOD,
            "kind": "Demande",
            "resource": "Énergie",
            "unit": "kWh",
            "frequency": "Monatlich",
            "price_terms": "gratuit",
        }
    )
    assert data.problems == []
    assert (data.values["kind"], data.values["resource"]) == ("request", "energy")
    assert data.values["price_terms"] == "free"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"quantity": float("inf")}, "quantity"),
        ({"quantity": "2000000000"}, "quantity"),
        ({"unit": "furlong"}, "unit"),
        ({"frequency": "sometimes"}, "frequency"),
        ({"kind": "gift"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 1_000_000}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"ewc_code": "15 01"}, "ewc_code"),
        (
            {"available_from": "2027-05-01", "available_until": "2027-04-01"},
            "available_until",
        ),
        ({"available_from": "31/02/2027"}, "available_from"),
        ({"lat": "48.0", "lon": "6.1"}, "lat"),
        ({"lat": "49.6", "lon": "12.0"}, "lon"),
        ({"lat": "49.6"}, "lon"),
        ({"max_distance_km": "0"}, "max_distance_km"),
        ({"price_terms": "price_per_unit"}, "price_per_unit"),
        ({"price_terms": "free", "price_per_unit": "3"}, "price_per_unit"),
        ({"anonymous": "maybe"}, "anonymous"),
        ({"sdgs": "18"}, "sdgs"),
        ({"sdgs": [True]}, "sdgs"),
        ({"title": ["a list"]}, "title"),
    ],
)
def test_bad_values_name_their_field(change: dict, field: str) -> None:
    raw = {**GOOD, **change}
    assert field in problems(raw), problems(raw)


def test_missing_required_fields_are_all_reported() -> None:
    assert set(problems({})) == {
        "kind",
        "resource",
        "title",
        "quantity",
        "unit",
        "frequency",
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lat": "abc", "lon": "6"}, "lat", "Enter a number."),
        (
            {"price_terms": "price_per_unit", "price_per_unit": "-5"},
            "price_per_unit",
            "Enter a price from 0 to 10 million euros.",
        ),
    ],
)
def test_a_refused_field_gets_one_message(
    change: dict, field: str, message: str
) -> None:
    """Not also "give both latitude and longitude" when both were given."""
    found = [p for p in parse_listing({**GOOD, **change}).problems if p.field == field]
    assert [p.message for p in found] == [message]


def test_only_a_request_accepts_hazardous_waste() -> None:
    assert "accepts_hazardous" in problems({**GOOD, "accepts_hazardous": "yes"})
    request = {**GOOD, "kind": "request", "accepts_hazardous": "yes"}
    assert problems(request) == {}
