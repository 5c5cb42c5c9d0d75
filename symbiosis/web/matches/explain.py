"""Match reasons as sentences in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date, get_locale, gettext, ngettext

from symbiosis.labels import unit_label
from symbiosis.matching.explain import ewc_display
from symbiosis.services.matching import lexicon


def sentence(reason: dict[str, Any]) -> str:
    """One reason ("same waste code 15 01 03", "4.2 km") in the UI language."""
    code, p = reason.get("code"), reason.get("params", {})
    lang = str(get_locale() or "fr")
    label = lexicon().label
    match code:
        case "same_ewc":
            return gettext("same waste code %(code)s", code=ewc_display(p["code"]))
        case "accepted_ewc":
            return gettext(
                "waste code %(code)s, accepted by the request",
                code=ewc_display(p["code"]),
            )
        case "material_same":
            return gettext("same material: %(name)s", name=label(p["offered"], lang))
        case "material_narrower":
            return gettext(
                "%(offered)s is a kind of %(requested)s",
                offered=label(p["offered"], lang),
                requested=label(p["requested"], lang),
            )
        case "material_broader":
            return gettext(
                "%(offered)s may include %(requested)s",
                offered=label(p["offered"], lang),
                requested=label(p["requested"], lang),
            )
        case "material_uses":
            return gettext(
                "%(offered)s can serve as %(requested)s",
                offered=label(p["offered"], lang),
                requested=label(p["requested"], lang),
            )
        case "material_sibling":
            return gettext(
                "related materials: %(offered)s and %(requested)s",
                offered=label(p["offered"], lang),
                requested=label(p["requested"], lang),
            )
        case "similar_words":
            return gettext("similar wording")
        case "distance":
            return gettext("%(km)s km", km=f"{p['km']:.1f}")
        case "coverage":
            return gettext(
                "covers %(percent)d %% of the yearly need", percent=p["percent"]
            )
        case "available_from":
            from datetime import date

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
    return str(code)


def sentences(reasons: list[dict[str, Any]]) -> list[str]:
    return [sentence(r) for r in reasons]


__all__ = ["sentence", "sentences", "unit_label"]
