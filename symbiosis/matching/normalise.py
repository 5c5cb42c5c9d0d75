"""Text normalisation shared by the matcher and by name look-ups."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")

# Words that say nothing about a material, in the three languages of the app.
STOP_WORDS = frozenset(
    """
    a an and are as at be by for from has have in into is it its of on or our per
    the this that to up we with without our your their more less very can le la les
    l un une des du de d au aux et ou en dans pour par sur sous avec sans a est sont
    notre nos votre vos leur leurs ce cet cette ces qui que dont plus der die das
    den dem des ein eine einer eines einem und oder in im ins am an auf aus bei fur
    mit ohne von vom zu zum zur ist sind unser unsere ihr ihre je
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# Words common to every listing: they carry no signal for telling materials apart.
NOISE_WORDS = frozenset(
    """
    waste wastes by product products byproduct byproducts material materials surplus
    available offer offered need needed needs seek seeking looking wanted use used
    reuse recycling recycle recovery supply per year month week tonnes tons kg
    dechet dechets produit produits sous matiere matieres surplus disponible offre
    besoin recherche cherche recyclage valorisation reutilisation fourniture abfall
    abfalle abfaelle nebenprodukt nebenprodukte material materialien uberschuss
    verfugbar angebot bedarf gesucht suchen verwertung recycling
    """.split()  # noqa: SIM905 - a word list reads best as text
) | frozenset(
    # Everyday words that say when, how many and with whom, not what: in a
    # business park of a few hundred listings they are rare enough to pass
    # for a lead ("semaine", "associations") between listings of nothing alike.
    """
    jour jours semaine semaines mois an ans annee annees heure heures lundi mardi
    mercredi jeudi vendredi samedi dimanche matin soir deux trois quatre cinq six
    dix vingt cent cents mille environ places entreprise entreprises association
    associations partenaire partenaires client clients don dons locaux
    day days week weeks month months year years hour hours two three four five ten
    about company companies partner partners customer customers
    tag tage woche wochen monat monate jahr jahre stunde stunden zwei drei vier
    funf zehn etwa bis firma firmen unternehmen partner kunden
    """.split()  # noqa: SIM905 - a word list reads best as text
)


def fold(text: str) -> str:
    """Casefold, strip accents, collapse spaces: ``"Café  Mü"`` → ``"cafe mu"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip()


def slugify(text: str, max_length: int = 60) -> str:
    """Return an ASCII slug: ``"Café du Sud S.à r.l."`` → ``"cafe-du-sud-s-a-r-l"``."""
    slug = _NON_ALNUM.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"


def tokens(text: str) -> list[str]:
    """Folded words, no stop words: ``"Bois de palette"`` → ``["bois", "palette"]``."""
    return [t for t in _NON_ALNUM.split(fold(text)) if t and t not in STOP_WORDS]


_WORD = re.compile(r"\w+")

# Words only German among the three languages ("die" and "des" are not:
# English and French have them too). Umlauts and ß say German as well.
_GERMAN_WORDS = frozenset(
    """
    und der das dem ein eine einer mit aus fur von vom zum zur im ist wir bei
    nach auf oder nicht je pro
    """.split()  # noqa: SIM905 - a word list reads best as text
)
_FRENCH_ENGLISH_WORDS = frozenset(
    """
    le la les du et pour avec une sur au aux nous the and of for with from our we
    """.split()  # noqa: SIM905 - a word list reads best as text
)


def looks_german(text: str) -> bool:
    """Whether ``text`` reads as German: umlauts or ß, or more of German's
    small words than of French's and English's."""
    if any(c in "äöüßÄÖÜ" for c in text):
        return True
    words = fold(text).split()
    german = sum(w in _GERMAN_WORDS for w in words)
    return german > sum(w in _FRENCH_ENGLISH_WORDS for w in words)


def as_written(word: str, *texts: str) -> str:
    """A folded ``word`` as the first of ``texts`` that has it spells it:
    ``"journees"`` in ``"Deux Journées d'étude"`` → ``"journées"``; the
    folded word itself when none has it as a whole word.

    French and English write it in lower case, whatever the capitals of a
    title; German keeps the capital of its nouns (``"Holzpaletten"``), unless
    another text writes the word in lower case. Capitals throughout
    (``"BOIS"``) are lowered in every language.
    """
    first = german = None
    lowered = False
    for text in texts:
        in_german = looks_german(text)
        for found in _WORD.finditer(text):
            spelled = found.group()
            if fold(spelled) != word:
                continue
            first = first or spelled.lower()
            lowered = lowered or spelled.islower()
            if in_german and spelled[:1].isupper() and not spelled[1:].isupper():
                german = german or spelled
    return (not lowered and german) or first or word


def content_tokens(text: str) -> list[str]:
    """Like :func:`tokens`, without words every listing shares ("waste", "besoin")."""
    return [
        t
        for t in tokens(text)
        if len(t) > 1 and t not in NOISE_WORDS and not t.isdigit()
    ]


# Words that introduce a purpose or a role ("gypsum FOR plasterboard", "wood AS
# fuel"): a material name never spans them, so phrases are cut there.
BREAK_WORDS = frozenset(
    {"for", "as", "to", "into", "pour", "comme", "fur", "als", "zwecks"}
)


# Words that exclude what follows ("béton SANS plâtre ni bois"): the materials
# named after them, up to the next purpose word, are not what is offered.
NEGATIONS = frozenset(
    {"sans", "without", "ohne", "ni", "nor", "kein", "keine", "excluding"}
)


# An article after "de" (French) or "of" (English): what follows says where
# the goods come from or what they belong to ("film des palettes", "heat of
# the ovens"), unlike "palettes de bois", which says what they are made of.
# So do "from" ("packaging from server deliveries", not "made from"), "aus"
# with an article ("aus dem Wareneingang", not "Platten aus Holz") and
# "issu(e)s de", "provenant de".
_OF_THE = re.compile(
    r"\b(?:des|du|de\s+la|de\s+l['’]|of\s+the|(?<!made\s)from"
    r"|aus\s+(?:de[mnr]|unse?re[mnrs]?)|issue?s?\s+d(?:e|u|es|['’])|provenant\s+d(?:e|u|es|['’]))"
    r"\b",
    re.IGNORECASE,
)


def title_head(title: str) -> tuple[str, str]:
    """A title cut before its first article-bearing complement.

    ``"Film plastique des palettes"`` → ``("Film plastique ", "palettes")``;
    a title without one is all head: ``("Palettes en bois", "")``.
    """
    found = _OF_THE.search(title)
    if found is None:
        return title, ""
    return title[: found.start()], title[found.end() :]


_PURPOSE = re.compile(
    r"\b(?:" + "|".join(sorted(BREAK_WORDS | {"für"})) + r")\b", re.IGNORECASE
)


def before_purpose(text: str) -> str:
    """``text`` up to its first purpose word: ``"Pain pour une bière"`` →
    ``"Pain "``; all of it when it has none."""
    found = _PURPOSE.search(text)
    return text if found is None else text[: found.start()]


_SENTENCE_END = re.compile(r"[.;!?\n]+")


def segments(text: str, *, purposes: bool = True) -> list[list[str]]:
    """Runs of words between purpose words, stop words dropped, noise kept.

    ``"Gypsum for plasterboard"`` → ``[["gypsum"], ["plasterboard"]]``;
    ``"Béton sans plâtre"`` → ``[["beton"]]``. Without ``purposes``, what
    follows a purpose word up to the end of its sentence is left out:
    ``"A fridge for dairy. We fetch it."`` → ``[["fridge"], ["fetch"]]``.
    """
    if not purposes:
        return [
            run
            for sentence in _SENTENCE_END.split(text)
            for run in _runs(sentence, purposes=False)
        ]
    return _runs(text, purposes=True)


def _runs(text: str, *, purposes: bool) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    negated = False
    for word in _NON_ALNUM.split(fold(text)):
        if not word:
            continue
        if word in BREAK_WORDS:
            if not purposes:
                break
            negated = False
            if runs[-1]:
                runs.append([])
        elif word in NEGATIONS:
            negated = True
            if runs[-1]:
                runs.append([])
        elif not negated and word not in STOP_WORDS:
            runs[-1].append(word)
    return [run for run in runs if run]
