"""Reasons in plain English words, for the file interface and logs.

The web pages translate the same reason codes through the app's catalogs.
"""

from __future__ import annotations

from symbiosis import themes
from symbiosis.matching.lexicon import Lexicon
from symbiosis.matching.model import Reason

SENTENCES = {
    "same_ewc": "same waste code {code}",
    "accepted_ewc": "waste code {code} is among those the request accepts",
    "material_same": "same material: {offered}",
    "material_narrower": "{offered} is a kind of {requested}",
    "material_broader": "{offered} may include {requested}",
    "material_uses": "{offered} can serve as {requested}",
    "material_sibling": "related materials: {offered} and {requested}",
    "similar_words": "similar wording ({percent} %)",
    "shared_words": "words in common: {words}",
    "distance": "{km} km",
    "coverage": "covers {percent} % of the yearly need",
    "available_from": "available from {date}",
    "hazardous_accepted": "hazardous waste, the request accepts it",
    "shared_sdgs": "shared SDGs {sdgs}",
    "shared_themes": "shared theme{s}: {themes}",
}


def ewc_display(code: str) -> str:
    return f"{code[:2]} {code[2:4]} {code[4:]}"


def sentence(reason: Reason, lexicon: Lexicon, lang: str = "en") -> str:
    params = dict(reason.params)
    for name in ("offered", "requested"):
        if name in params:
            params[name] = lexicon.label(str(params[name]), lang)
    if "code" in params:
        params["code"] = ewc_display(str(params["code"]))
    if "sdgs" in params:
        params["sdgs"] = ", ".join(str(n) for n in params["sdgs"])
    if "words" in params:
        params["words"] = ", ".join(str(w) for w in params["words"])
    if "themes" in params:
        names = [themes.label(str(t)) for t in params["themes"]]
        params["s"] = "" if len(names) == 1 else "s"
        params["themes"] = ", ".join(names)
    return SENTENCES.get(reason.code, reason.code).format(**params)
