"""The zone diagnostic's pure aggregation: materials, units, Sankey links."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from symbiosis import diagnostic_flows as flows
from symbiosis.diagnostic_flows import Entry, Flow, Party
from symbiosis.matching.lexicon import Lexicon

D = Decimal


@pytest.fixture
def lexicon() -> Lexicon:
    lex = Lexicon()
    lex.add_term("wood.pallets.euro", "palettes EUR", "fr")
    lex.add_term("wood.pallets", "palettes", "fr")
    lex.add_term("wood", "bois", "fr")
    lex.ewc["150101"] = "paper.cardboard"
    return lex


@pytest.mark.parametrize(
    ("title", "ewc", "resource", "key"),
    [
        # The most specific named material, cut to two levels.
        ("Palettes EUR en bois", None, "material", "wood.pallets"),
        ("Bois de chauffage", None, "material", "wood"),
        # No material named: the waste code's, then its chapter, then the resource.
        ("Emballages divers", "150101", "material", "paper.cardboard"),
        ("Emballages divers", "170504", "material", "chapter:17"),
        ("Chaleur du four", None, "energy", "resource:energy"),
    ],
)
def test_material_key_falls_back_to_code_chapter_and_resource(
    lexicon: Lexicon, title: str, ewc: str | None, resource: str, key: str
) -> None:
    assert flows.material_key(lexicon, title, ewc, resource) == key


def test_units_are_never_added_together() -> None:
    rows = flows.by_material(
        [
            Entry("offer", "wood.pallets", "t", D(30), 1),
            Entry("offer", "wood.pallets", "t", D(6), 2),
            Entry("request", "wood.pallets", "pieces", D(1200), 3),
            Entry("request", "wood.pallets", "t", D(20), 3),
            Entry("offer", "paper.cardboard", "t", D(26), 1),
        ]
    )
    by_key = {(r.key, r.unit): r for r in rows}
    assert set(by_key) == {
        ("wood.pallets", "t"),
        ("wood.pallets", "pieces"),
        ("paper.cardboard", "t"),
    }
    tonnes = by_key[("wood.pallets", "t")]
    assert (tonnes.out.listings, tonnes.out.yearly, tonnes.out.organisations) == (
        2,
        D(36),
        {1, 2},
    )
    assert (tonnes.into.listings, tonnes.into.yearly) == (1, D(20))
    pieces = by_key[("wood.pallets", "pieces")]
    assert (pieces.out.yearly, pieces.into.yearly) == (0, D(1200))
    assert flows.totals(rows) == {"pieces": (D(0), D(1200)), "t": (D(62), D(20))}


def test_rows_are_grouped_by_unit_biggest_first() -> None:
    rows = flows.by_material(
        [
            Entry("offer", "a", "t", D(1), 1),
            Entry("request", "b", "t", D(5), 1),
            Entry("offer", "c", "m3", D(2), 1),
        ]
    )
    assert [(r.unit, r.key) for r in rows] == [("m3", "c"), ("t", "b"), ("t", "a")]


def test_potential_amount_is_the_smaller_side_and_none_across_units() -> None:
    assert flows.potential_amount(D(26), "t", D(10), "t") == D(10)
    assert flows.potential_amount(D(30), "t", D(1200), "pieces") is None


def _party(org: int | None, in_zone: bool = True, name: str = "") -> Party:
    return Party(org, name or (f"Org {org}" if org else None), in_zone)


def _flow(supplier: Party, receiver: Party, key: str, unit: str, amount: int) -> Flow:
    return Flow("agreement", 1, supplier, receiver, key, unit, D(amount), "active")


NAMES = {flows.OUTSIDE: "Outside the zone", flows.ANONYMOUS: "Anonymous"}


def test_sankey_keeps_one_unit_and_adds_up_one_pair() -> None:
    a, b = _party(1), _party(2)
    chart = flows.sankey(
        [
            _flow(a, b, "wood.pallets", "t", 24),
            _flow(a, b, "paper.cardboard", "t", 6),
            _flow(a, b, "wood.pallets", "pieces", 500),
        ],
        "t",
        NAMES,
        {"wood.pallets": "pallets", "paper.cardboard": "cardboard"},
    )
    assert chart["unit"] == "t"
    assert [n["id"] for n in chart["nodes"]] == ["s:org:1", "r:org:2"]
    (link,) = chart["links"]
    assert (link["source"], link["target"], link["value"]) == (
        "s:org:1",
        "r:org:2",
        30.0,
    )
    assert link["materials"] == [
        {"label": "pallets", "value": 24.0},
        {"label": "cardboard", "value": 6.0},
    ]


def test_sankey_has_no_cycle_when_organisations_trade_both_ways() -> None:
    a, b = _party(1), _party(2)
    chart = flows.sankey(
        [_flow(a, b, "x", "t", 5), _flow(b, a, "y", "t", 3)], "t", NAMES, {}
    )
    for link in chart["links"]:
        assert link["source"].startswith("s:")
        assert link["target"].startswith("r:")
    assert {n["id"] for n in chart["nodes"]} == {
        "s:org:1",
        "s:org:2",
        "r:org:1",
        "r:org:2",
    }


def test_sankey_groups_outside_and_anonymous_organisations() -> None:
    inside = _party(1)
    hidden = Party(None, None, True)
    far_1, far_2 = _party(7, in_zone=False), _party(8, in_zone=False)
    chart = flows.sankey(
        [
            _flow(inside, far_1, "x", "t", 5),
            _flow(inside, far_2, "x", "t", 3),
            _flow(hidden, inside, "y", "t", 2),
        ],
        "t",
        NAMES,
        {},
    )
    names = {n["id"]: n["name"] for n in chart["nodes"]}
    assert names == {
        "s:org:1": "Org 1",
        "s:anonymous": "Anonymous",
        "r:outside": "Outside the zone",
        "r:org:1": "Org 1",
    }
    outside = next(link for link in chart["links"] if link["target"] == "r:outside")
    assert outside["value"] == 8.0
    # Nobody outside the zone is named, anonymous firms neither.
    assert "Org 7" not in str(chart)
    assert "Org 8" not in str(chart)


def test_the_module_imports_no_flask_and_no_orm() -> None:
    path = Path(flows.__file__)
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    banned = ("flask", "sqlalchemy", "symbiosis.extensions", "symbiosis.models")
    assert not [
        m for m in imported if any(m == b or m.startswith(b + ".") for b in banned)
    ]
