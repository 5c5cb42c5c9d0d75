"""Reference data: zones and the European List of Waste."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from symbiosis.api.v1 import bp
from symbiosis.authz import Perm, public, requires
from symbiosis.extensions import db
from symbiosis.matching.normalise import fold
from symbiosis.models import EwcCode, Zone


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
    words = fold(q).replace("*", " ").split()
    digits = "".join(c for c in q if c.isdigit())
    codes = db.session.scalars(sa.select(EwcCode).order_by(EwcCode.code)).all()
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
        if len(found) >= 50:
            break
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
