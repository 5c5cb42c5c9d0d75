"""Which waste codes a material is filed under (the waste-code search uses it)."""

from __future__ import annotations

from pathlib import Path

from symbiosis.matching.lexicon import Lexicon

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"


def small() -> Lexicon:
    lexicon = Lexicon()
    for key, term in [("wood", "wood"), ("wood.pallets", "pallet"),
                      ("wood.bark", "bark"), ("paper.cardboard", "cardboard"),
                      ("cement.raw_material", "raw meal"),
                      ("cement.additive", "additive")]:  # fmt: skip
        lexicon.add_term(key, term)
    lexicon.ewc.update(
        {"0301": "wood", "030101": "wood.bark", "150101": "paper.cardboard",
         "170201": "wood", "1013": "cement.additive"}
    )  # fmt: skip
    return lexicon


def test_a_material_with_codes_is_filed_under_itself_and_its_kinds() -> None:
    lexicon = small()
    assert lexicon.filed_as("paper.cardboard") == {"paper.cardboard"}
    assert lexicon.filed_as("wood") == {"wood", "wood.bark"}
    assert lexicon.filed_as("wood.bark") == {"wood.bark"}


def test_a_kind_without_codes_takes_those_of_its_family() -> None:
    assert small().filed_as("wood.pallets") == {"wood", "wood.bark"}


def test_no_family_that_is_no_key_and_nothing_unknown() -> None:
    lexicon = small()
    assert lexicon.filed_as("cement.raw_material") == frozenset()
    assert lexicon.filed_as("service.storage") == frozenset()
    assert lexicon.filed_as("paper") == {"paper.cardboard"}  # a family's kinds


def test_the_reference_lexicon_on_everyday_words() -> None:
    lexicon = Lexicon.load(REFERENCE)
    (karton,) = lexicon.keys_in(["karton"])
    assert lexicon.filed_as(karton) == {"paper.cardboard"}
    (paletten,) = lexicon.keys_in(["paletten"])
    assert {"wood", "wood.packaging"} <= lexicon.filed_as(paletten)
    assert all(k.split(".")[0] == "wood" for k in lexicon.filed_as(paletten))
    (altol,) = lexicon.keys_in(["altol"])
    assert lexicon.filed_as(altol) == {"chemical.oil.used"}
