"""Select-box choices read from the reference tables, labelled in the UI language."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from wtforms import SelectChoice

from symbiosis.extensions import db
from symbiosis.i18n import lazy_gettext as _l
from symbiosis.models import EwcChapter, NaceCode, Organisation, Sdg, Zone


def _locale() -> str:
    return str(get_locale() or "fr")


def options(pairs: Sequence[tuple[object, object]]) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


# The long lists (some 600 NACE classes, every organisation) read only the
# columns they show: loading them as ORM objects cost the sign-up page 40 ms.
def nace_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(NaceCode.code, NaceCode.label_sql(_locale()))
        .where(NaceCode.level == "class")
        .order_by(NaceCode.code)
    )
    return options(
        [("", str(_l("— not given —")))]
        + [(code, f"{code} · {text}") for code, text in rows]
    )


def zone_choices(blank: str | None = None) -> list[SelectChoice]:
    zones = db.session.scalars(sa.select(Zone).order_by(Zone.name))
    return options(
        [(0, blank or str(_l("— no zone yet —")))] + [(z.id, z.name) for z in zones]
    )


def zone_filter_choices() -> list[tuple[int, str]]:
    """Every zone for a filter: its id and short name, read as plain rows."""
    rows = db.session.execute(sa.select(Zone.id, Zone.name).order_by(Zone.name))
    return [(id_, Zone.shorten(name)) for id_, name in rows]


def chapter_choices() -> list[tuple[str, str]]:
    """The List of Waste's chapters, code and label, read once per language.

    Reference data: a new seed shows after a restart, as the waste-code
    picker (``app_setup._ewc_options``).
    """
    kept: dict[str, list[tuple[str, str]]] = current_app.extensions.setdefault(
        "symbiosis.chapter_choices", {}
    )
    locale = _locale()
    if locale not in kept:
        rows = db.session.execute(
            sa.select(EwcChapter.code, EwcChapter.label_sql(locale))
            .where(EwcChapter.level == "chapter")
            .order_by(EwcChapter.code)
        )
        kept[locale] = [(code, text) for code, text in rows]
    return kept[locale]


def organisation_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.name_key)
    )
    return options([(0, str(_l("— choose —")))] + [(id_, name) for id_, name in rows])


def sdg_choices() -> list[SelectChoice]:
    locale = _locale()
    return options(
        [
            (s.number, f"{s.number}. {s.label(locale)}")
            for s in db.session.scalars(sa.select(Sdg).order_by(Sdg.number))
        ]
    )
