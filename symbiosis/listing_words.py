"""The choices of a listing and the words read for each, in English, French
and German, as people write them in a form or a spreadsheet column."""

from __future__ import annotations

KINDS = ("offer", "request")
RESOURCES = ("material", "energy", "water", "service")
PRICE_TERMS = ("free", "negotiable", "price_per_unit")

KIND_ALIASES = {
    "offer": "offer", "offre": "offer", "angebot": "offer", "have": "offer",
    "request": "request", "demande": "request", "besoin": "request",
    "nachfrage": "request", "gesuch": "request", "need": "request",
}  # fmt: skip
RESOURCE_ALIASES = {
    "material": "material", "matière": "material", "matiere": "material",
    "matériau": "material", "material ": "material", "stoff": "material",
    "energy": "energy", "énergie": "energy", "energie": "energy",
    "water": "water", "eau": "water", "wasser": "water",
    "service": "service", "dienstleistung": "service", "compétence": "service",
}  # fmt: skip
PRICE_ALIASES = {
    "free": "free", "gratuit": "free", "kostenlos": "free",
    "negotiable": "negotiable", "négociable": "negotiable", "negociable": "negotiable",
    "verhandelbar": "negotiable", "price_per_unit": "price_per_unit",
    "prix": "price_per_unit", "prix unitaire": "price_per_unit",
    "preis": "price_per_unit", "price": "price_per_unit",
}  # fmt: skip
TRUE = {"yes", "y", "true", "1", "x", "oui", "o", "ja", "j", "vrai", "wahr"}
FALSE = {"", "no", "n", "false", "0", "non", "nein", "faux", "falsch"}
