"""Match reasons as sentences in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date, get_locale

from symbiosis import formats, themes
from symbiosis.i18n import gettext, ngettext
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.matching.explain import ewc_display
from symbiosis.services.matching import lexicon

# Sentences naming the two materials: %(offered)s and %(requested)s.
MATERIAL = {
    "material_same": _l("same material: %(offered)s"),
    "material_narrower": _l("%(offered)s is a kind of %(requested)s"),
    "material_broader": _l("%(offered)s may include %(requested)s"),
    "material_uses": _l("%(offered)s can serve as %(requested)s"),
    "material_sibling": _l("related materials: %(offered)s and %(requested)s"),
}


def sentence(reason: dict[str, Any]) -> str:
    """One reason ("same waste code 15 01 03", "4.2 km") in the UI language."""
    code, p = reason.get("code"), reason.get("params", {})
    if code in MATERIAL:
        lang = str(get_locale() or "fr")
        names = {k: lexicon().label(p[k], lang) for k in ("offered", "requested")}
        return str(MATERIAL[code]) % names
    match code:
        case "same_ewc":
            return gettext("same waste code %(code)s", code=ewc_display(p["code"]))
        case "accepted_ewc":
            return gettext(
                "waste code %(code)s, accepted by the request",
                code=ewc_display(p["code"]),
            )
        case "similar_words":
            return gettext("similar wording")
        case "shared_words":
            return ngettext(
                "word in common: %(list)s",
                "words in common: %(list)s",
                len(p["words"]),
                list=", ".join(p["words"]),
            )
        case "distance":
            return formats.distance(p["km"])
        case "coverage":
            return gettext(
                "covers %(percent)d %% of the yearly need", percent=p["percent"]
            )
        case "available_from":
            return gettext(
                "available from %(date)s",
                date=format_date(date.fromisoformat(p["date"]), format="MMMM y"),
            )
        case "hazardous_accepted":
            return gettext("hazardous waste, accepted by the request")
        case "shared_sdgs":
            return ngettext(
                "shared SDG %(list)s",
                "shared SDGs %(list)s",
                len(p["sdgs"]),
                list=", ".join(str(n) for n in p["sdgs"]),
            )
        case "shared_themes":
            shared = ", ".join(gettext(themes.label(t)) for t in p["themes"])
            return ngettext(
                "shared theme: %(list)s",
                "shared themes: %(list)s",
                len(p["themes"]),
                list=shared,
            )
    return str(code)


def sentences(reasons: list[dict[str, Any]]) -> list[str]:
    return [sentence(r) for r in reasons]
