from decimal import Decimal

import pytest

from symbiosis.units import (
    Frequency,
    Unit,
    UnitError,
    base_unit,
    comparable,
    convert,
    parse_frequency,
    parse_unit,
    yearly,
)


@pytest.mark.parametrize(
    ("quantity", "unit", "frequency", "expected"),
    [
        ("2", Unit.T, Frequency.MONTHLY, "24"),
        ("20", Unit.T, Frequency.YEARLY, "20"),
        ("800", Unit.KG, Frequency.WEEKLY, "41.6"),
        ("3", Unit.T, Frequency.QUARTERLY, "12"),
        ("1500", Unit.L, Frequency.MONTHLY, "18"),
        ("500", Unit.KWH, Frequency.WEEKLY, "26"),
        ("1200", Unit.MWH, Frequency.CONTINUOUS, "1200"),
        ("1", Unit.PIECES, Frequency.ONCE, "1"),
        ("40", Unit.HOURS, Frequency.MONTHLY, "480"),
        ("250", Unit.M2, Frequency.YEARLY, "250"),
    ],
)
def test_yearly_base(
    quantity: str, unit: Unit, frequency: Frequency, expected: str
) -> None:
    assert yearly(Decimal(quantity), unit, frequency) == Decimal(expected)


def test_base_units() -> None:
    assert base_unit(Unit.KG) is Unit.T
    assert base_unit(Unit.L) is Unit.M3
    assert base_unit(Unit.KWH) is Unit.MWH


def test_conversions_both_ways() -> None:
    assert convert(Decimal(2), Unit.T, Unit.KG) == Decimal(2000)
    assert convert(Decimal(2500), Unit.KG, Unit.T) == Decimal("2.5")
    assert convert(Decimal(3), Unit.M3, Unit.L) == Decimal(3000)
    assert convert(Decimal(750), Unit.KWH, Unit.MWH) == Decimal("0.75")
    assert comparable(Unit.KG, Unit.T)
    assert not comparable(Unit.KG, Unit.M3)
    with pytest.raises(UnitError):
        convert(Decimal(1), Unit.T, Unit.M3)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("t", Unit.T),
        ("Tonnes", Unit.T),
        ("m³", Unit.M3),
        ("l", Unit.L),
        ("KWH", Unit.KWH),
        ("Stück", Unit.PIECES),
        ("pièces", Unit.PIECES),
        ("heures", Unit.HOURS),
        ("m2", Unit.M2),
    ],
)
def test_unit_spellings(text: str, unit: Unit) -> None:
    assert parse_unit(text) is unit


@pytest.mark.parametrize("text", ["", "furlong", "t/m", "<script>"])
def test_unknown_unit(text: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(text)


def test_frequency_spellings() -> None:
    assert parse_frequency("Mensuel") is Frequency.MONTHLY
    assert parse_frequency("wöchentlich") is Frequency.WEEKLY
    assert parse_frequency(" yearly ") is Frequency.YEARLY
    with pytest.raises(UnitError):
        parse_frequency("fortnightly")
