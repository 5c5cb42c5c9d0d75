"""The one list of themes that listings and matchmaking events are tagged with (pure).

Skills, services and goods that firms and non-profits give each other
(volunteer days, a meeting room, football equipment, mentoring) are tagged
with a theme as well as with SDGs. A theme is stored as its key
(``"education"``); people read its label in their language. Text in English,
French or German, with or without accents ("Éducation", "bildung"), reads as
the same key, so an event's themes ("Sport, Éducation") name the same ones.
"""

from __future__ import annotations

from symbiosis.matching.normalise import fold


def N_(message: str) -> str:
    return message


# Key → English label (marked for translation; the pages translate it).
THEMES: dict[str, str] = {
    "education": N_("Education"),
    "inclusion": N_("Inclusion"),
    "employment": N_("Employment and skills"),
    "youth": N_("Children and youth"),
    "health": N_("Health"),
    "sport": N_("Sport"),
    "culture": N_("Culture"),
    "solidarity": N_("Solidarity"),
    "environment": N_("Environment"),
    "circular_economy": N_("Circular economy"),
    "mobility": N_("Mobility"),
    "digital": N_("Digital"),
}

# Other names people give the same theme (French and German first).
_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "education": ("éducation", "bildung", "enseignement"),
    "inclusion": ("inklusion", "insertion", "integration", "intégration"),
    "employment": ("emploi", "emploi et compétences", "beschäftigung",
                   "beschäftigung und kompetenzen", "employment", "skills"),
    "youth": ("enfance et jeunesse", "jeunesse", "kinder und jugend", "jugend",
              "youth", "children"),
    "health": ("santé", "gesundheit"),
    "sport": ("sports",),
    "culture": ("kultur",),
    "solidarity": ("solidarité", "solidarität"),
    "environment": ("environnement", "umwelt", "climate", "climat", "klima"),
    "circular_economy": ("économie circulaire", "kreislaufwirtschaft"),
    "mobility": ("mobilité", "mobilität"),
    "digital": ("numérique", "digitalisierung", "digitales", "informatique"),
}  # fmt: skip

ALIASES: dict[str, str] = {
    fold(name): key
    for key, label in THEMES.items()
    for name in (key, key.replace("_", " "), label, *_OTHER_NAMES[key])
}


def theme_key(text: str) -> str | None:
    """The key of a theme named in any of the app's languages, or None."""
    return ALIASES.get(fold(text))


def label(key: str) -> str:
    """The English label of ``key`` (translate it with gettext); the key if unknown."""
    return THEMES.get(key, key)
