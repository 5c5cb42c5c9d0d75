"""The pure matcher: candidates, rules, scores and reasons, on a small lexicon."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from symbiosis.matching.engine import Matcher
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item
from symbiosis.matching.pooling import combination, pooling


@pytest.fixture
def lexicon() -> Lexicon:
    lex = Lexicon()
    for key, lang, term in [
        ("wood.pallets", "fr", "palettes en bois"),
        ("wood.pallets", "de", "Holzpaletten"),
        ("wood.pallets", "de", "Palette"),
        ("wood.pallets", "en", "wood pallets"),
        ("wood", "en", "wood"),
        ("wood", "fr", "bois"),
        ("organic.coffee_grounds", "fr", "marc de café"),
        ("organic.coffee_grounds", "en", "spent coffee grounds"),
        ("energy.heat.waste", "fr", "chaleur fatale"),
        ("energy.heat.waste", "en", "waste heat"),
        ("energy.heat.waste", "de", "Abwärme"),
        ("energy.heat", "en", "heat"),
        ("fuel.alternative", "en", "fuel"),
        ("chemical.solvent", "en", "solvents"),
    ]:
        lex.add_term(key, term, lang)
    lex.add_use("fuel.alternative", "wood", 0.9)
    lex.ewc["150103"] = "wood.pallets"
    return lex


def offer(id_: int, title: str, **kw: object) -> Item:
    return Item(
        id=id_,
        kind="offer",
        resource=kw.pop("resource", "material"),
        title=title,
        lat=kw.pop("lat", 49.60),
        lon=kw.pop("lon", 6.10),
        **kw,
    )  # type: ignore[arg-type]


def request(id_: int, title: str, **kw: object) -> Item:
    return Item(
        id=id_,
        kind="request",
        resource=kw.pop("resource", "material"),
        title=title,
        lat=kw.pop("lat", 49.62),
        lon=kw.pop("lon", 6.12),
        **kw,
    )  # type: ignore[arg-type]


def test_one_key_across_three_languages(lexicon: Lexicon) -> None:
    words = {"palettes en bois", "Holzpaletten gesucht", "wood pallets wanted"}
    matcher = Matcher(lexicon)
    for phrase in words:
        keys, _text, _words = matcher.features(offer(1, phrase))
        assert "wood.pallets" in keys, phrase
    keys, _t, _w = matcher.features(offer(1, "Altholzpaletten"))  # a German compound
    assert "wood.pallets" in keys


def test_best_partner_first_with_reasons(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon, today=date(2027, 1, 1))
    matcher.add(
        [
            offer(
                1,
                "Palettes en bois",
                ewc_code="150103",
                yearly=24,
                base_unit="t",
                available_from=date(2027, 3, 1),
            ),
            offer(2, "Marc de café", yearly=5, base_unit="t"),
            request(
                3, "Holzpaletten gesucht", ewc_code="150103", yearly=30, base_unit="t"
            ),
        ]
    )
    found = matcher.match(matcher.item(3))
    assert [m.offer_id for m in found] == [1]
    codes = [r.code for r in found[0].reasons]
    assert codes[0] == "same_ewc"
    assert {"distance", "coverage", "available_from"} <= set(codes)
    coverage = next(r for r in found[0].reasons if r.code == "coverage")
    assert coverage.params["percent"] == 80  # 24 of 30 t a year
    assert 0 <= found[0].score <= 100
    # stored as JSON: the same as dataclasses.asdict, params copied
    for reason in found[0].reasons:
        stored = reason.as_json()
        assert stored == dataclasses.asdict(reason)
        assert stored["params"] is not reason.params


def test_uses_relation_proposes_a_process_input(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add([offer(1, "wood offcuts"), request(2, "fuel for our boiler")])
    found = matcher.match(matcher.item(2))
    assert [m.offer_id for m in found] == [1]
    assert found[0].reasons[0].code == "material_uses"


def test_distance_limit_and_timing_and_resource(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            offer(
                1, "waste heat", resource="energy", lat=49.5, lon=5.95
            ),  # ~24 km away
            offer(2, "waste heat", resource="energy", available_until=date(2026, 1, 1)),
            offer(3, "waste heat", resource="service"),
            request(
                4,
                "Abwärme",
                resource="energy",
                max_distance_km=10,
                available_from=date(2026, 6, 1),
            ),
            request(5, "chaleur fatale", resource="energy", max_distance_km=40),
        ]
    )
    assert matcher.match(matcher.item(4)) == []
    assert [m.offer_id for m in matcher.match(matcher.item(5))] == [1]


def test_hazardous_only_to_requests_that_accept_it(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            offer(1, "used solvents", hazardous=True),
            request(2, "solvents"),
            request(3, "solvents", accepts_hazardous=True),
        ]
    )
    assert [m.request_id for m in matcher.match(matcher.item(1))] == [3]
    assert matcher.match(matcher.item(2)) == []


def test_batch_and_incremental_agree(lexicon: Lexicon) -> None:
    items = [
        offer(i, f"palettes en bois lot {i}", lat=49.6 + i / 1000) for i in range(1, 9)
    ]
    items += [
        request(i, f"Holzpaletten {i}", lat=49.6 + i / 900) for i in range(11, 17)
    ]
    batch = Matcher(lexicon)
    batch.add(items)
    everything = batch.match_all(top=3)
    incremental = Matcher(lexicon)
    for item in items:
        incremental.add([item])
    for item in items:
        assert [m.pair for m in incremental.match(item, 3)] == [
            m.pair for m in everything[item.id]
        ]


def test_removed_listing_is_not_proposed(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add([offer(1, "wood pallets"), request(2, "palettes en bois")])
    matcher.remove(1)
    assert matcher.match(matcher.item(2)) == []


def test_pooling_groups_three_organisations_of_a_zone(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            request(1, "palettes en bois", zone_id=7, organisation_id=1),
            request(2, "Holzpaletten", zone_id=7, organisation_id=2),
            request(3, "wood pallets", zone_id=7, organisation_id=3),
            request(4, "wood pallets", zone_id=8, organisation_id=4),
            request(5, "marc de café", zone_id=7, organisation_id=1),
        ]
    )
    groups = pooling(matcher, zone_id=7)
    assert [(g.key, g.organisations) for g in groups] == [("wood.pallets", 3)]


def test_combination_covers_a_large_request(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            offer(1, "wood pallets", yearly=10, base_unit="t", lat=49.61),
            offer(2, "palettes en bois", yearly=15, base_unit="t", lat=49.63),
            offer(3, "Holzpaletten", yearly=8, base_unit="t", lat=49.70),
            request(4, "wood pallets", yearly=30, base_unit="t"),
        ]
    )
    found = combination(matcher, matcher.item(4))
    assert found is not None
    assert sorted(m.offer_id for m in found.offers) == [1, 2, 3]
    assert found.coverage == 1.0
    matcher.add([offer(5, "wood pallets", yearly=40, base_unit="t")])
    assert combination(matcher, matcher.item(4)) is None  # one offer is enough now


def test_never_matches_an_organisation_with_itself(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            offer(1, "wood pallets", organisation_id=7),
            request(2, "palettes en bois", organisation_id=7),
            request(3, "Holzpaletten", organisation_id=8),
        ]
    )
    assert [m.request_id for m in matcher.match(matcher.item(1))] == [3]


def test_index_grows_past_its_first_capacity(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add([offer(i, "wood pallets", organisation_id=i) for i in range(1, 3000)])
    matcher.add([request(5000, "palettes en bois", organisation_id=1)])
    assert len(matcher.match(matcher.item(5000), top=5)) == 5
    assert matcher.sides["offer"].org[2998] == 2999


def test_batch_gives_what_match_gives_one_by_one() -> None:
    """The grouped batch scores blocks of listings; each gets what it gets alone."""
    from pathlib import Path

    from tests.bench.synthetic import TODAY, generate

    lexicon = Lexicon.load(Path(__file__).resolve().parents[2] / "seeds" / "reference")
    items = generate(2000, seed=5)
    matcher = Matcher(lexicon, today=TODAY)
    matcher.add(items)
    matcher.remove(items[0].id)  # a dead row must stay out of both paths
    everything = matcher.match_all(top=5)
    assert len(everything) == len(items) - 1
    assert sum(map(len, everything.values())) > 4 * len(everything)
    for item in items[1:]:
        assert matcher.match(item, 5) == everything[item.id]
        # the cell-by-cell path of large indexes gives the same shortlist
        features = matcher.features_of(item)
        alone = matcher.shortlist(item, features, 5)
        grouped = matcher.shortlists([item], [features], 5)
        assert sorted(alone.row[0].tolist()) == sorted(grouped.row[0].tolist())
    # large batches split the groups between two processes: same answers
    assert matcher.match_many(items[1:], 5, workers=2) == everything


def test_shared_sdgs_raise_the_score_and_say_so(lexicon):
    matcher = Matcher(lexicon, today=date(2026, 1, 1))
    mentoring = offer(1, "Mentorat informatique bénévole", resource="service",
                      sdgs=(4, 8, 17))  # fmt: skip
    same_goals = request(2, "Mentorat informatique pour jeunes", resource="service",
                         sdgs=(4, 17))  # fmt: skip
    no_goals = request(3, "Mentorat informatique pour jeunes", resource="service")
    matcher.add([mentoring, same_goals, no_goals])
    found = {m.request_id: m for m in matcher.match(mentoring, 5)}
    with_goals, without = found[2], found[3]
    # Jaccard 2/3 of the 10-point SDG share
    assert with_goals.parts["sdg"] == pytest.approx(2 / 3, abs=1e-3)
    assert without.parts["sdg"] == 0
    assert with_goals.score == pytest.approx(min(without.score + 6.7, 100), abs=0.1)
    codes = {r.code: r.params for r in with_goals.reasons}
    assert codes["shared_sdgs"] == {"sdgs": [4, 17]}
    assert "shared_sdgs" not in {r.code for r in without.reasons}
    # the request's side of the same pair agrees
    [back] = [m for m in matcher.match(same_goals, 5) if m.offer_id == 1]
    assert back.score == with_goals.score


def test_a_lead_from_words_alone_names_the_rarest_words(lexicon: Lexicon) -> None:
    from symbiosis.matching.explain import sentence

    matcher = Matcher(lexicon)
    matcher.add(
        [
            offer(1, "Chutes de vitrail coloré", description="Atelier de Mersch"),
            request(2, "Vitrail pour atelier créatif"),
            request(3, "Tesselles et vitrail coloré"),
            # a material relation says why on its own: no words are named
            offer(4, "Palettes en bois", description="Lot de Mersch"),
            request(5, "Holzpaletten gesucht"),
        ]
    )
    found = matcher.match(matcher.item(1), 5)
    assert [m.request_id for m in found] == [2, 3]
    words = [r.params for m in found for r in m.reasons if r.code == "shared_words"]
    # rarest first: "atelier" and "coloré" are in two listings, "vitrail" in
    # three; each as a listing writes it, accents and all
    assert words == [
        {"words": ["atelier", "vitrail"]},
        {"words": ["coloré", "vitrail"]},
    ]
    assert sentence(found[1].reasons[0], lexicon) == "words in common: coloré, vitrail"
    (pallets,) = matcher.match(matcher.item(4), 5)
    assert "shared_words" not in {r.code for r in pallets.reasons}


def test_a_request_title_narrower_than_its_waste_code_leads(lexicon) -> None:
    """20 01 08 files coffee grounds among kitchen waste: a mushroom grower
    asking for coffee grounds under that code is not asking for yoghurts."""
    lexicon.add_term("organic.food", "biodéchets de cuisine", "fr")
    lexicon.add_term("organic.food.surplus", "yaourts", "fr")
    lexicon.ewc["200108"] = "organic.food"
    matcher = Matcher(lexicon, today=date(2026, 1, 1))
    grounds = request(1, "Marc de café pour des pleurotes", ewc_code="200108")
    kitchen = request(2, "Biodéchets de cuisine pour le biogaz", ewc_code="200108")
    matcher.add(
        [
            grounds,
            kitchen,
            offer(3, "Yaourts à date courte"),
            offer(4, "Marc de café de la cafétéria"),
            # an offer keeps its code's key: any kitchen waste may serve
            offer(5, "Marc de café du restaurant", ewc_code="200108"),
        ]
    )
    assert [m.offer_id for m in matcher.match(grounds, 5)] == [5, 4]
    # a title that names the code's own material keeps the code's key
    assert 3 in {m.offer_id for m in matcher.match(kitchen, 5)}
    # "wood" under the pallets' code is narrowed by the code, not replaced
    _keys, primary, _text, _words = matcher.described(
        request(6, "Bois de récupération", ewc_code="150103")
    )
    assert "wood.pallets" in primary
