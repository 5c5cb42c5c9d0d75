"""Select-box choices read from the reference tables, labelled in the UI language."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import get_locale
from wtforms import SelectChoice

from symbiosis.extensions import db
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models import NaceCode, Organisation, Sdg, Zone


def _locale() -> str:
    return str(get_locale() or "fr")


def options(pairs: Sequence[tuple[object, object]]) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def nace_choices() -> list[SelectChoice]:
    locale = _locale()
    rows = db.session.scalars(
        sa.select(NaceCode).where(NaceCode.level == "class").order_by(NaceCode.code)
    )
    return options(
        [("", str(_l("— not given —")))]
        + [(n.code, f"{n.code} · {n.label(locale)}") for n in rows]
    )


def zone_choices(blank: str | None = None) -> list[SelectChoice]:
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.name))
    return options(
        [(0, blank or str(_l("— no zone yet —")))] + [(z.id, z.name) for z in zones]
    )


def organisation_choices() -> list[SelectChoice]:
    orgs = db.session.scalars(sa.select(Organisation).order_by(Organisation.name_key))
    return options([(0, str(_l("— choose —")))] + [(o.id, o.name) for o in orgs])


def sdg_choices() -> list[SelectChoice]:
    locale = _locale()
    return options(
        [
            (s.number, f"{s.number}. {s.label(locale)}")
            for s in db.session.scalars(sa.select(Sdg).order_by(Sdg.number))
        ]
    )
