"""Amounts as people type them, in the reader's language (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from symbiosis.listing_fields import parse_decimal


@pytest.mark.parametrize(
    ("text", "group", "expected"),
    [
        # how the app shows numbers in French: a space, U+202F or U+00A0
        ("2 400", "\u202f", "2400"),
        ("2\u202f400", "\u202f", "2400"),
        ("2\u00a0400,50", "\u202f", "2400.50"),
        ("12 500,00", "\u202f", "12500.00"),
        # German: "." groups thousands, "," marks cents
        ("2.400,50", ".", "2400.50"),
        ("2.400", ".", "2400"),
        ("1.234.567", ".", "1234567"),
        ("-2.400", ".", "-2400"),
        ("2.5", ".", "2.5"),  # not groups of three: a decimal point
        ("2,5", ".", "2.5"),
        # English: "," groups thousands
        ("2,400", ",", "2400"),
        ("2,400.50", ",", "2400.50"),
        ("2.5", ",", "2.5"),
        # French readers: "." and "," alone mark decimals
        ("2.400", "\u202f", "2.400"),
        ("2,400", "\u202f", "2.400"),
    ],
)
def test_amounts_read_in_the_readers_language(
    text: str, group: str, expected: str
) -> None:
    assert parse_decimal(text, group) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.400", "2.4"), ("2,400", "2.4"), ("1 234,5", "1234.5"), ("1.234,5", "1234.5")],
)
def test_without_a_language_the_reading_is_unchanged(text: str, expected: str) -> None:
    assert parse_decimal(text) == parse_decimal(text, "") == Decimal(expected)


@pytest.mark.parametrize("text", ["2..400", "2.40.0", "2.400.", "2 400.000,0,0", "abc"])
def test_broken_groups_are_not_numbers(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - Invalid carries the message
        parse_decimal(text, ".")
