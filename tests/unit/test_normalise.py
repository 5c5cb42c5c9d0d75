from symbiosis.matching.normalise import fold, slugify


def test_fold_strips_case_accents_and_spaces() -> None:
    assert fold("  Café   MÜLLER ") == "cafe muller"
    assert fold("Ëmweltforum Westen") == "emweltforum westen"
    assert fold("Straße") == "strasse"


def test_fold_makes_lookalike_names_equal() -> None:
    assert fold("Boulangerie du Sud") == fold("BOULANGERIE  DU SUD")
    assert fold("Épicerie") == fold("epicerie")


def test_slugify() -> None:
    assert slugify("Boulangerie Artisanale du Sud S.à r.l.") == (
        "boulangerie-artisanale-du-sud-s-a-r-l"
    )
    assert slugify("Cloche d'Or / Ban de Gasperich") == "cloche-d-or-ban-de-gasperich"
    assert slugify("<<<>>>") == "x"
    assert len(slugify("a" * 500)) == 60
