"""Themes on listings: the shared list, reading it, and the matcher's use of it."""

from __future__ import annotations

from datetime import date

import pytest

from symbiosis import themes
from symbiosis.listing_fields import Invalid, parse_listing, parse_theme_keys
from symbiosis.matching.engine import Matcher
from symbiosis.matching.explain import sentence
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item, Reason
from symbiosis.matching.score import SDG_WEIGHT, THEME_WEIGHT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ()),
        ("", ()),
        ([], ()),
        (["sport"], ("sport",)),
        # names in the app's languages, any case, with or without accents
        ("Éducation; SPORT", ("education", "sport")),
        ("Bildung, Umwelt", ("education", "environment")),
        (["Circular economy", "économie circulaire"], ("circular_economy",)),
        # kept once each, in the order of the shared list
        ("digital|inclusion|Inclusion", ("inclusion", "digital")),
    ],
)
def test_themes_are_read_as_keys_of_the_shared_list(value, expected):
    assert parse_theme_keys(value) == expected


def test_an_event_s_theme_names_are_in_the_shared_list():
    # the demo evening's themes, as the facilitator typed them
    names = ["Éducation", "Inclusion", "Sport", "Environnement"]
    assert [themes.theme_key(n) for n in names] == [
        "education",
        "inclusion",
        "sport",
        "environment",
    ]
    assert themes.theme_key("Astrologie") is None


@pytest.mark.parametrize("value", ["Astrologie", ["sport", "knitting"], [{"x": 1}]])
def test_an_unknown_theme_is_refused(value):
    with pytest.raises(Invalid):
        parse_theme_keys(value)


def test_the_listing_parser_names_the_themes_field():
    base = {"kind": "offer", "resource": "service", "title": "Mentorat",
            "quantity": "10", "unit": "hours", "frequency": "monthly"}  # fmt: skip
    ok = parse_listing({**base, "themes": "youth;education"})
    assert ok.problems == []
    assert ok.values["themes"] == ("education", "youth")
    assert parse_listing(base).values["themes"] == ()
    bad = parse_listing({**base, "themes": ["sport", "karaoke"]})
    assert [p.field for p in bad.problems] == ["themes"]
    assert bad.problems[0].params["theme"] == "karaoke"


def test_every_theme_has_a_label_and_no_two_share_a_name():
    assert set(themes.THEMES) == set(themes.ALIASES.values())
    assert all(themes.label(key) for key in themes.THEMES)
    assert themes.label("unknown") == "unknown"


# -- the matcher ------------------------------------------------------------------
def service(id_: int, kind: str, title: str, **kw: object) -> Item:
    return Item(id=id_, kind=kind, resource="service", title=title,
                lat=49.6, lon=6.13, **kw)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(Lexicon(), today=date(2026, 1, 1))


def test_shared_themes_raise_the_score_modestly_and_say_so(matcher):
    mentoring = service(1, "offer", "Mentorat informatique bénévole",
                        themes=("digital", "education", "youth"))  # fmt: skip
    same = service(2, "request", "Mentorat informatique pour jeunes",
                   themes=("education", "youth"))  # fmt: skip
    other = service(3, "request", "Mentorat informatique pour jeunes",
                    themes=("sport",))  # fmt: skip
    none = service(4, "request", "Mentorat informatique pour jeunes")
    matcher.add([mentoring, same, other, none])
    found = {m.request_id: m for m in matcher.match(mentoring, 5)}
    assert set(found) == {2, 3, 4}
    # Jaccard 2/3 of the 5-point theme share, on top of the same other parts
    assert found[2].parts["theme"] == pytest.approx(2 / 3, abs=1e-3)
    assert found[3].parts["theme"] == 0
    assert found[4].parts["theme"] == 0
    assert found[3].score == found[4].score
    lift = 100 * THEME_WEIGHT * 2 / 3
    assert found[2].score == pytest.approx(min(found[4].score + lift, 100), abs=0.1)
    assert THEME_WEIGHT < SDG_WEIGHT  # a theme says less than a goal
    reasons = {r.code: r.params for r in found[2].reasons}
    assert reasons["shared_themes"] == {"themes": ["education", "youth"]}
    assert "shared_themes" not in {r.code for r in found[3].reasons}
    assert "shared_themes" not in {r.code for r in found[4].reasons}
    # the request's side of the same pair agrees
    [back] = [m for m in matcher.match(same, 5) if m.offer_id == 1]
    assert back.score == found[2].score
    assert back.parts["theme"] == found[2].parts["theme"]


def test_themes_and_sdgs_add_up(matcher):
    offer = service(1, "offer", "Salle de réunion pour associations",
                    sdgs=(4, 17), themes=("solidarity",))  # fmt: skip
    both = service(2, "request", "Salle de réunion pour nos ateliers",
                   sdgs=(4, 17), themes=("solidarity",))  # fmt: skip
    plain = service(3, "request", "Salle de réunion pour nos ateliers")
    matcher.add([offer, both, plain])
    found = {m.request_id: m for m in matcher.match(offer, 5)}
    assert found[2].parts["sdg"] == 1.0
    assert found[2].parts["theme"] == 1.0
    expected = found[3].score + 100 * (SDG_WEIGHT + THEME_WEIGHT)
    assert found[2].score == pytest.approx(min(expected, 100), abs=0.1)


def test_the_reason_reads_as_shared_theme(matcher):
    one = Reason("shared_themes", {"themes": ["sport"]})
    two = Reason("shared_themes", {"themes": ["education", "youth"]})
    assert sentence(one, Lexicon()) == "shared theme: Sport"
    assert sentence(two, Lexicon()) == "shared themes: Education, Children and youth"
