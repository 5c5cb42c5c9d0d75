"""Reference data: zones and the European List of Waste."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from symbiosis.api.v1 import bp
from symbiosis.authz import Perm, public, requires
from symbiosis.extensions import db
from symbiosis.matching.normalise import fold, tokens
from symbiosis.models import EwcCode, Zone
from symbiosis.services.matching import lexicon

MAX_CODES = 50


@bp.get("/zones")
@public
def zones() -> ResponseReturnValue:
    """List the business zones with their approximate points."""
    rows = db.session.scalars(sa.select(Zone).order_by(Zone.name))
    return jsonify(
        {
            "zones": [
                {
                    "id": z.id,
                    "slug": z.slug,
                    "name": z.name,
                    "commune": z.commune,
                    "lat": z.lat,
                    "lon": z.lon,
                }
                for z in rows
            ]
        }
    )


@bp.get("/reference/ewc")
@requires(Perm.SIGNED_IN)
def reference_ewc() -> ResponseReturnValue:
    """Search waste codes by code or by words in French, English or German."""
    q = request.args.get("q", "").strip()[:100]
    locale = str(get_locale() or "fr")
    codes = db.session.scalars(sa.select(EwcCode).order_by(EwcCode.code)).all()
    found = _by_text(q, codes)
    if len(found) < MAX_CODES:
        shown = {c.code for c in found}
        more = [c for c in _by_material(q, codes) if c.code not in shown]
        found += more[: MAX_CODES - len(found)]
    return jsonify(
        {
            "codes": [
                {
                    "code": c.code,
                    "display": c.display,
                    "label": c.label(locale),
                    "hazardous": c.hazardous,
                    "chapter": c.chapter,
                }
                for c in found
            ]
        }
    )


def _by_text(q: str, codes: Sequence[EwcCode]) -> list[EwcCode]:
    """The codes starting with the digits of ``q``, or whose labels (in any
    language) hold all its words; all of them (up to the page) for no ``q``."""
    words = fold(q).replace("*", " ").split()
    digits = "".join(c for c in q if c.isdigit())
    found = []
    for code in codes:
        text = fold(f"{code.label_en} {code.label_fr or ''} {code.label_de or ''}")
        by_code = (
            digits
            and code.code.startswith(digits)
            and len(digits) == len("".join(words))
        )
        if not q or by_code or (words and all(w in text for w in words)):
            found.append(code)
        if len(found) >= MAX_CODES:
            break
    return found


def _by_material(q: str, codes: Sequence[EwcCode]) -> list[EwcCode]:
    """The codes of the materials the words of ``q`` name in the lexicon
    ("Karton", "Altöl"), which the labels may call otherwise."""
    materials = lexicon()
    named = materials.keys_in(tokens(q))
    if not named:
        return []
    filed = frozenset().union(*(materials.filed_as(key) for key in named))
    return [c for c in codes if materials.key_for_ewc(c.code) in filed]
