"""The reference lexicon (seeds/reference) on cases met in the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.matching.engine import Matcher
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Item
from symbiosis.matching.normalise import before_purpose, title_head

REFERENCE = Path(__file__).resolve().parents[2] / "seeds" / "reference"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REFERENCE)


def listing(
    id_: int, kind: str, title: str, description: str = "", **kw: object
) -> Item:
    return Item(
        id=id_,
        kind=kind,
        resource="material",
        title=title,
        description=description,
        lat=49.50,
        lon=6.00,
        **kw,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Farines locales (blé, épeautre)", "food.flour"),
        ("Weizenmehl aus Fehlchargen", "food.flour"),
        ("off-spec wheat flour", "food.flour"),
        # a longer phrase names another material than flour
        ("Sacs de farine en papier vides", "packaging.sacks"),
        ("leere Mehlsäcke", "packaging.sacks"),
        ("farine de bois", "wood.sawdust"),
        ("Holzmehl", "wood.sawdust"),
        ("farine animale", "organic.animal_byproduct.meal"),
        ("rock flour", "mineral.quarry_fines"),
    ],
)
def test_flour_and_what_only_sounds_like_it(
    lexicon: Lexicon, text: str, key: str
) -> None:
    found = lexicon.keys_in_text(text)
    assert key in found
    assert key == "food.flour" or "food.flour" not in found


@pytest.mark.parametrize(
    "text",
    [
        "Caisses isothermes et pains de glace",
        "pain de glace réutilisable",
        "Kühlakkus und Styroporboxen",
        "ice packs and cool boxes",
    ],
)
def test_ice_packs_are_insulated_packaging_not_bread(
    lexicon: Lexicon, text: str
) -> None:
    found = lexicon.keys_in_text(text)
    assert "packaging.insulated" in found
    assert "organic.food.bakery" not in found


def test_a_flour_request_finds_flour_not_the_sacks_it_is_delivered_in(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(
                1,
                "request",
                "Farines locales (blé, épeautre) de meuniers luxembourgeois",
                "Nous cherchons 4 t de farine par mois, livrée en sacs de 25 kg "
                "ou en vrac.",
            ),
            listing(
                2,
                "offer",
                "Sacs de farine en papier vides",
                "Sacs kraft de 25 kg, vidés et pliés.",
                ewc_code="150101",
            ),
            listing(3, "offer", "Farine de blé déclassée", "Lots hors spécification."),
            listing(
                4, "offer", "Cartons d'emballage", "Cartons propres.", ewc_code="150101"
            ),
            listing(5, "request", "Substrat pour élevage de vers de farine"),
            listing(6, "offer", "Biodéchets de cuisine et restes d'assiettes"),
        ]
    )
    ranked = matcher.match(matcher.item(1), 5)
    assert ranked[0].offer_id == 3
    assert ranked[0].reasons[0].code == "material_same"
    # The sacks it is delivered in are no second material of the request, and
    # flour to bake with is not any organic matter: neither is proposed.
    assert [found.offer_id for found in ranked] == [3]
    # flour feeds mealworms; empty sacks do not
    assert [found.offer_id for found in matcher.match(matcher.item(5), 5)] == [3]


def test_unsold_or_rejected_is_a_state_not_a_shared_material(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(
                1,
                "request",
                "Béton de démolition propre (armé ou non)",
                "Béton propre issu de démolition ou de rebuts de préfabrication.",
                ewc_code="170101",
            ),
            listing(
                2,
                "offer",
                "Invendus de pain et de viennoiseries de la veille",
                "Pains et viennoiseries invendus de nos magasins.",
            ),
            listing(3, "offer", "Rebuts de préfabrication en béton", ewc_code="170101"),
            listing(4, "request", "Pain invendu pour une bière au pain"),
            # naming no material, the state is all there is to match on
            listing(5, "request", "Surstocks et invendus, tous produits"),
            listing(6, "offer", "Surplus de stock et fins de série"),
        ]
    )
    assert [found.offer_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert [found.request_id for found in matcher.match(matcher.item(2), 5)] == [4]
    assert [found.offer_id for found in matcher.match(matcher.item(5), 5)] == [6]


def test_the_trucks_that_collect_are_no_material_of_the_listing(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(
                1,
                "request",
                "Invendus alimentaires (frais, secs et surgelés)",
                "Nous collectons les invendus pour des épiceries sociales. Collecte "
                "avec nos camions frigorifiques.",
            ),
            listing(2, "offer", "Transporter (Kastenwagen 3,5 t) aus Leasingrückgabe"),
            listing(3, "offer", "Surplus de repas préparés (plats du jour)"),
            # a title naming no material leaves the description in the lead
            listing(4, "request", "À reprendre", "Deux camions de livraison"),
        ]
    )
    assert [found.offer_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert [found.offer_id for found in matcher.match(matcher.item(4), 5)] == [2]


def test_boxes_and_pallets_goods_travel_in_are_no_material_of_the_listing(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(1, "offer", "Verrerie de laboratoire réformée",
                    "Béchers et flacons rincés, remis en cartons sur palettes."),
            listing(2, "request", "Cartons de réemploi pour nos expéditions"),
            listing(3, "request", "Palettes en bois pour nos expéditions"),
            # wood named in the title: the pallets of the description are wood
            listing(4, "offer", "Chutes de bois massif",
                    "Planches et palettes cassées, non traitées."),
        ]
    )  # fmt: skip
    assert matcher.match(matcher.item(2), 5) == []
    assert [found.offer_id for found in matcher.match(matcher.item(3), 5)] == [4]


def test_a_shared_sub_chapter_counts_only_where_it_names_a_material(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            # 20 01 gathers separately collected fractions of every kind
            listing(1, "offer", "Restes de la cafétéria", ewc_code="200108"),
            listing(2, "request", "Chiffons d'atelier", ewc_code="200111"),
            # 17 04 gathers metals: steel offcuts may serve who wants cables
            listing(3, "offer", "Reststücke", ewc_code="170405"),
            listing(4, "request", "Démontage", ewc_code="170411"),
        ]
    )
    assert matcher.match(matcher.item(2), 5) == []
    assert [found.offer_id for found in matcher.match(matcher.item(4), 5)] == [3]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # the lexicon names fridges in the plural only: the singular finds them
        ("Réfrigérateur professionnel", "equipment.appliances"),
        ("A chest freezer for our pantry", "equipment.appliances"),
        ("Vitrine réfrigérée murale de 3 m", "equipment.appliances"),
        # where the two numbers name different things, the words as written decide
        ("Tin from soldering", "metal.mixed_nonferrous"),
        ("Empty tins, rinsed", "metal.ferrous.cans"),
    ],
)
def test_a_term_is_found_in_either_number(
    lexicon: Lexicon, text: str, key: str
) -> None:
    assert key in lexicon.keys_in_text(text)


def test_fermentation_residue_is_digestate_in_every_number_and_language(
    lexicon: Lexicon,
) -> None:
    # Gärrest's English and French names; brewers' residues have their own
    # words (spent yeast, trub, lees), which stay yeast.
    for text in (
        "Fermentation residue from our biogas plant",
        "Fermentation residues, 200 t a year",
        "Résidus de fermentation",
        "Gärreste aus der Biogasanlage",
    ):
        assert lexicon.keys_in_text(text) >= {"organic.digestate"}, text
        assert "organic.yeast" not in lexicon.keys_in_text(text), text
    assert "organic.yeast" in lexicon.keys_in_text("Spent yeast and trub")


def test_a_wish_for_a_shared_collection_is_no_material_of_the_listing(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(1, "offer", "Cartons d'emballage, collecte groupée bienvenue",
                    ewc_code="150101"),
            listing(2, "request", "Batteries au plomb des entreprises de la zone",
                    "Nous organisons une collecte groupée agréée."),
            listing(3, "request", "Cartons de réemploi pour nos expéditions"),
            # a service listing is matched on the service it names
            Item(id=4, kind="request", resource="service",
                 title="Collecte groupée des cartons", lat=49.5, lon=6.0),
            Item(id=5, kind="offer", resource="service",
                 title="Collecte groupée de déchets par vélo-cargo", lat=49.5,
                 lon=6.0),
        ]
    )  # fmt: skip
    assert [found.request_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert [found.offer_id for found in matcher.match(matcher.item(4), 5)] == [5]


def test_what_a_request_is_for_is_not_what_it_asks_for(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(1, "request", "Réfrigérateur ou vitrine réfrigérée",
                    "Un meuble de 2 à 3 m pour les produits laitiers et les "
                    "fruits et légumes. Nous organisons le transport."),
            listing(2, "offer", "Yaourts et fromages frais à date courte"),
            listing(3, "offer", "Vitrine réfrigérée murale remplacée"),
            # a request whose title names nothing: its purpose still leads
            listing(4, "request", "À reprendre", "Pour nos produits laitiers."),
        ]
    )  # fmt: skip
    assert [found.offer_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert [found.offer_id for found in matcher.match(matcher.item(4), 5)] == [2]


@pytest.mark.parametrize(
    ("title", "head", "complement"),
    [
        ("Film plastique des palettes", "Film plastique ", " palettes"),
        ("Chaleur résiduelle du four", "Chaleur résiduelle ", " four"),
        ("Marc de café de la cafétéria", "Marc de café ", " cafétéria"),
        ("Eau de l'usine", "Eau ", "usine"),
        ("Heat of the ovens", "Heat ", " ovens"),
        ("Palettes en bois", "Palettes en bois", ""),
        ("Dessous de verre", "Dessous de verre", ""),  # "des" inside a word
        # where the goods come from
        (
            "Cardboard packaging from server deliveries",
            "Cardboard packaging ",
            " server deliveries",
        ),
        ("Holzpaletten aus dem Wareneingang", "Holzpaletten ", " Wareneingang"),
        ("Bureaux issus de réaménagements", "Bureaux ", " réaménagements"),
        ("Terres provenant du chantier", "Terres ", " chantier"),
        # what they are made of
        ("Bags made from recycled PET", "Bags made from recycled PET", ""),
        ("Dämmplatten aus Holzfaser", "Dämmplatten aus Holzfaser", ""),
    ],
)
def test_a_title_is_cut_before_its_first_complement(
    title: str, head: str, complement: str
) -> None:
    assert title_head(title) == (head, complement)


def test_the_pallets_a_film_comes_off_are_no_material_of_the_listing(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(1, "offer", "Film plastique étirable (PE transparent) des palettes",
                    ewc_code="150102"),
            listing(2, "request", "Palettes EUR en bon état"),
            listing(3, "request", "Film PE pour recyclage"),
            # a head naming no material leaves the whole title in the lead
            listing(4, "offer", "Surplus du buffet (yaourts)"),
            listing(5, "request", "Yaourts à date courte"),
        ]
    )  # fmt: skip
    assert [found.request_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert [found.request_id for found in matcher.match(matcher.item(4), 5)] == [5]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bureaux, sièges et cloisons issus de réaménagements", "equipment.furniture"),
        ("Mobilier repris chez nos clients", "equipment.furniture"),
        ("Locaux temporaires pour les ateliers du mercredi", "service.office_space"),
        ("Abstellfläche für 10 Kühlauflieger", "service.land"),
        ("ungenutzte Grünflächen ab 200 m²", "service.land"),
        ("Teilladungen Richtung Bettembourg bündeln", "service.transport"),
        ("Freie Kühlladeraumkapazität auf Rückfahrten", "service.transport"),
        ("Transport réfrigéré vers le sud du pays", "service.transport"),
        (
            "Gebrauchte Möbelbeschläge (Scharniere, Griffe)",
            "equipment.furniture.fittings",
        ),
        ("Pièces détachées vélo et chambres à air", "equipment.bicycles"),
        ("Spare parts", None),  # of anything: no key of its own
    ],
)
def test_terms_read_in_the_demo_listings_that_named_nothing(
    lexicon: Lexicon, text: str, key: str | None
) -> None:
    assert lexicon.keys_in_text(text) == ({key} if key else set())


def test_the_furniture_a_request_will_make_is_not_what_it_wants(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(
                1, "request", "Palettes en bois pour fabriquer du mobilier de jardin"
            ),
            listing(2, "offer", "Mobilier de bureau : 60 postes de travail"),
            listing(3, "offer", "Palettes EUR cassées"),
        ]
    )
    assert [found.offer_id for found in matcher.match(matcher.item(1), 5)] == [3]
    assert before_purpose("Holz für Hochbeete") == "Holz "
    assert before_purpose("Palettes en bois") == "Palettes en bois"


def test_where_goods_come_from_and_how_they_are_packed_are_no_lead(
    lexicon: Lexicon,
) -> None:
    matcher = Matcher(lexicon)
    matcher.add(
        [
            listing(1, "offer", "Cardboard and foam packaging from server deliveries",
                    ewc_code="150101"),
            listing(2, "request", "Équipements informatiques réformés"),
            listing(3, "request", "Cartons d'emballage pour nos expéditions"),
            listing(4, "offer", "Caisses plastiques réutilisables (bacs 60 × 40 cm)"),
            listing(5, "request", "Gebrauchte Möbelbeschläge (Scharniere, Griffe)",
                    "Sortiert in Kisten bevorzugt."),
            listing(6, "offer", "Pièces détachées de mobilier (charnières, vérins)"),
        ]
    )  # fmt: skip
    # the servers the boxes came with are only mentioned: a weaker lead
    keys, primary, _text, _words = matcher.described(matcher.item(1))
    assert "equipment.it" in keys - primary
    boxes, servers = matcher.match(matcher.item(1), 5)
    assert (boxes.request_id, servers.request_id) == (3, 2)
    assert servers.parts["material"] < boxes.parts["material"]
    # crates the hinges may come in are no lead at all
    assert [found.offer_id for found in matcher.match(matcher.item(5), 5)] == [6]


@pytest.mark.parametrize(
    ("word", "finds", "never"),
    [
        ("karton", {"carton", "cardboard"}, set()),
        ("cardboard", {"carton", "karton"}, set()),
        ("brot", {"bakery", "pains"}, {"pain"}),  # "pain" would find "paint"
        ("kunststoff", {"plastic", "plastique"}, set()),
        ("treber", {"dreche", "draff"}, set()),
    ],
)
def test_a_searched_word_brings_the_same_material_in_other_languages(
    lexicon: Lexicon, word: str, finds: set[str], never: set[str]
) -> None:
    found = set(lexicon.same_material(word))
    assert finds <= found
    assert not found & never
    assert word not in found
    # no term holds another one: a substring search finds it already
    assert not [(a, b) for a in found for b in found if a != b and a in b]


def test_a_word_naming_no_material_brings_nothing(lexicon: Lexicon) -> None:
    assert lexicon.same_material("transport") == ()
    assert lexicon.same_material("zzzz") == ()
