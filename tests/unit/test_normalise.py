from symbiosis.matching.normalise import as_written, content_tokens, fold, slugify


def test_fold_strips_case_accents_and_spaces() -> None:
    assert fold("  Café   MÜLLER ") == "cafe muller"
    assert fold("Ëmweltforum Westen") == "emweltforum westen"
    assert fold("Straße") == "strasse"


def test_fold_makes_lookalike_names_equal() -> None:
    assert fold("Boulangerie du Sud") == fold("BOULANGERIE  DU SUD")
    assert fold("Épicerie") == fold("epicerie")


def test_a_folded_word_is_shown_as_a_listing_writes_it() -> None:
    assert as_written("journees", "Salle", "Deux Journées d'étude") == "journées"
    assert as_written("strasse", "Hauptstraße", "Straße 4") == "Straße"
    # a whole word only, the first text that has it, else the word itself
    assert as_written("bois", "Boisson", "Palettes de BOIS") == "bois"
    assert as_written("fut", "Fût métallique", "fut") == "fût"
    assert as_written("verre", "Palettes", "") == "verre"


def test_german_nouns_keep_their_capital() -> None:
    offer = "Holzpaletten aus der Produktion, jede Woche abzuholen"
    assert as_written("holzpaletten", "Paletten gesucht", offer) == "Holzpaletten"
    assert as_written("produktion", offer) == "Produktion"
    # French and English lower what a title capitalises, in any position
    assert as_written("palettes", "Palettes Bois Récupérées", "Bois") == "palettes"
    assert as_written("pallets", "Used Wooden Pallets for the Yard") == "pallets"
    # a text that writes it in lower case decides; capitals throughout are lowered
    assert as_written("vitrail", "Vitrail mit Bleiglas", "un vitrail") == "vitrail"
    assert as_written("holz", "HOLZ und Paletten") == "holz"


def test_slugify() -> None:
    assert slugify("Boulangerie Artisanale du Sud S.à r.l.") == (
        "boulangerie-artisanale-du-sud-s-a-r-l"
    )
    assert slugify("Cloche d'Or / Ban de Gasperich") == "cloche-d-or-ban-de-gasperich"
    assert slugify("<<<>>>") == "x"
    assert len(slugify("a" * 500)) == 60


def test_everyday_words_of_time_number_and_company_are_no_lead() -> None:
    # a small park's listings share them by chance, not by their matter
    assert content_tokens("Salle de 60 places, deux jours par semaine, 4 °C") == [
        "salle"
    ]
    assert content_tokens("Zwei Tage die Woche, für Partner-Firmen") == []
    assert content_tokens("Used pallets, two days a week") == ["pallets"]
