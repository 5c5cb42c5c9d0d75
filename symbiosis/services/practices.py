"""The good-practice library: write, edit, browse and filter practice sheets.

Everyone reads the sheets; only facilitators write them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from symbiosis.authz import Perm, can
from symbiosis.bounded import whole_number
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.listing_fields import N_, Invalid, clean_text, parse_sdgs
from symbiosis.matching.normalise import fold, slugify
from symbiosis.models import Practice, Sdg, User
from symbiosis.models.practice import LANGUAGES, SCALE
from symbiosis.workflow.pooled_categories import CATEGORIES

MAX_TITLE = 200
MAX_SUMMARY = 1000
MAX_TEXT = 10000
MAX_SLUG = 80
MAX_WORDS = 8
# Addresses that are pages of the library, not sheets.
RESERVED_SLUGS = ("new",)
TEXTS = ("summary", "steps", "known_difficulties", "examples", "good_to_know")
# Every field a sheet is written with, in the order of the form.
FIELDS = (
    "title", "summary", "category", "language", "time", "difficulty", "cost",
    "steps", "known_difficulties", "examples", "good_to_know", "sdgs",
)  # fmt: skip
REQUIRED = ("title", "summary", "category", "language", "steps")
OPTIONAL = ("known_difficulties", "examples", "good_to_know")
SCALES = ("time", "difficulty", "cost")


# --- reading the fields -----------------------------------------------------


def _scale(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid(N_("Choose 1, 2 or 3."))
    text = str(value).strip() if value is not None else ""
    if text not in {str(n) for n in SCALE}:
        raise Invalid(N_("Choose 1, 2 or 3."))
    return int(text)


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip() if isinstance(value, str) else ""
        if text not in allowed:
            raise Invalid(N_("Choose one of: %(choices)s."), choices=", ".join(allowed))
        return text

    return parse


def _text(limit: int, *, multiline: bool = True) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = clean_text(value, max_length=limit, multiline=multiline)
        # One line ending for every browser and client.
        return text.replace("\r\n", "\n").replace("\r", "\n")

    return parse


PARSERS: dict[str, Callable[[Any], Any]] = {
    "title": _text(MAX_TITLE, multiline=False),
    "summary": _text(MAX_SUMMARY),
    "category": _choice(CATEGORIES),
    "language": _choice(LANGUAGES),
    "time": _scale,
    "difficulty": _scale,
    "cost": _scale,
    "steps": _text(MAX_TEXT),
    "known_difficulties": _text(MAX_TEXT),
    "examples": _text(MAX_TEXT),
    "good_to_know": _text(MAX_TEXT),
    "sdgs": parse_sdgs,
}


def parse_practice(
    raw: Mapping[str, Any],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Read a sheet's fields; return the values and the translated problems."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name, parse in PARSERS.items():
        try:
            values[name] = parse(raw.get(name))
        except Invalid as problem:
            errors.append((name, gettext(problem.message, **problem.params)))
            continue
        if name in REQUIRED and not values[name]:
            errors.append((name, gettext("This field is required.")))
    title = values.get("title") or ""
    if title and len(title) < 3:
        errors.append(("title", gettext("Give a title of at least 3 characters.")))
    if title and ("<" in title or ">" in title):
        errors.append(
            ("title", gettext("The characters < and > are not allowed here."))
        )
    return values, errors


# --- writing ----------------------------------------------------------------


def _ensure_facilitator(actor: User) -> None:
    if not can(actor, Perm.FACILITATOR):
        raise NotAllowed(gettext("Only facilitators write practice sheets."))


def _same_title(title: str, exclude: int | None) -> bool:
    query = sa.select(Practice.id, Practice.title)
    return any(
        fold(other) == fold(title) and pid != exclude
        for pid, other in db.session.execute(query)
    )


def _free_slug(title: str, wanted: str | None = None) -> str:
    base = slugify(wanted or title, max_length=MAX_SLUG - 4)
    taken = set(
        db.session.scalars(
            sa.select(Practice.slug).where(Practice.slug.startswith(base))
        )
    )
    taken.update(RESERVED_SLUGS)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(practice: Practice, raw: Mapping[str, Any]) -> None:
    """Check ``raw`` completely and copy it onto ``practice``.

    :raises FieldErrors: with every problem found; ``practice`` is then unchanged.
    """
    values, errors = parse_practice(raw)
    if values.get("title") and _same_title(values["title"], practice.id):
        errors.append(("title", gettext("A sheet with this title already exists.")))
    sdgs = {s.number: s for s in db.session.scalars(sa.select(Sdg))}
    unknown = [n for n in values.get("sdgs", ()) if n not in sdgs]
    if unknown:
        errors.append(("sdgs", gettext("SDGs are numbers from 1 to 17.")))
    if errors:
        raise FieldErrors(errors)
    for name in FIELDS:
        if name in OPTIONAL:
            setattr(practice, name, values[name] or None)
        elif name != "sdgs":
            setattr(practice, name, values[name])
    practice.sdgs = [sdgs[n] for n in values["sdgs"]]
    practice.search_text = fold(
        " ".join([values["title"], *(values[name] or "" for name in TEXTS)])
    )


def _commit(practice: Practice) -> Practice:
    try:
        db.session.commit()
    except IntegrityError:
        # Another facilitator took the same address a moment before.
        db.session.rollback()
        raise FieldErrors(
            [("title", gettext("A sheet with this title already exists."))]
        ) from None
    except Exception:
        db.session.rollback()
        raise
    return practice


def new_practice(
    actor: User | None, raw: Mapping[str, Any], *, slug: str | None = None
) -> Practice:
    """Build a checked sheet and add it to the session (no commit).

    Its address (slug) comes from ``slug`` or else the title, made unique.
    ``actor`` None is the system (the reference seed).

    :raises FieldErrors: on any bad field; nothing is added.
    """
    practice = Practice(author=actor)
    with db.session.no_autoflush:
        _apply(practice, raw)
    practice.slug = _free_slug(practice.title, slug)
    db.session.add(practice)
    return practice


def create_practice(actor: User, raw: Mapping[str, Any]) -> Practice:
    """Write a new sheet.

    :raises NotAllowed: when ``actor`` is not a facilitator.
    :raises FieldErrors: on any bad field; nothing is written.
    """
    _ensure_facilitator(actor)
    try:
        practice = new_practice(actor, raw)
    except Exception:
        db.session.rollback()
        raise
    return _commit(practice)


def update_practice(
    actor: User, practice: Practice, raw: Mapping[str, Any]
) -> Practice:
    """Rewrite a sheet; its address stays the same so links keep working.

    :raises NotAllowed: when ``actor`` is not a facilitator.
    :raises FieldErrors: on any bad field; nothing is written.
    """
    _ensure_facilitator(actor)
    try:
        with db.session.no_autoflush:
            _apply(practice, raw)
    except Exception:
        db.session.rollback()
        raise
    return _commit(practice)


def as_raw(practice: Practice) -> dict[str, Any]:
    """The sheet's fields as :func:`parse_practice` reads them."""
    data: dict[str, Any] = {
        name: getattr(practice, name) or "" for name in FIELDS if name != "sdgs"
    }
    data["sdgs"] = [s.number for s in practice.sdgs]
    return data


# --- reading ----------------------------------------------------------------


@dataclass
class PracticeFilters:
    category: str = ""
    sdg: int | None = None
    max_time: int | None = None
    max_difficulty: int | None = None
    max_cost: int | None = None
    language: str = ""
    q: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> PracticeFilters:
        """Read query-string filters; values that make no sense are dropped.

        The dropped ones are kept in ``problems`` for the API, which refuses them.
        """
        filters = cls()
        problems = filters.problems
        category = str(args.get("category") or "")
        if category in CATEGORIES:
            filters.category = category
        elif category:
            problems.append(("category", _choices(CATEGORIES)))
        language = str(args.get("language") or "")
        if language in LANGUAGES:
            filters.language = language
        elif language:
            problems.append(("language", _choices(LANGUAGES)))
        sdg = str(args.get("sdg") or "")
        try:
            number = whole_number(sdg) if sdg else 0
        except ValueError:
            number = 0
        if 1 <= number <= 17:
            filters.sdg = number
        elif sdg:
            problems.append(("sdg", gettext("SDGs are numbers from 1 to 17.")))
        for name in ("max_time", "max_difficulty", "max_cost"):
            value = str(args.get(name) or "")
            if value in {str(n) for n in SCALE}:
                setattr(filters, name, int(value))
            elif value:
                problems.append((name, gettext("Choose 1, 2 or 3.")))
        filters.q = str(args.get("q") or "").strip()[:100]
        return filters

    def as_args(self) -> dict[str, Any]:
        args = {
            "category": self.category,
            "sdg": self.sdg,
            "max_time": self.max_time,
            "max_difficulty": self.max_difficulty,
            "max_cost": self.max_cost,
            "language": self.language,
            "q": self.q,
        }
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _choices(allowed: tuple[str, ...]) -> str:
    return str(gettext("Choose one of: %(choices)s.", choices=", ".join(allowed)))


def list_practices(filters: PracticeFilters | None = None) -> list[Practice]:
    """Sheets matching ``filters``, by title (accents ignored)."""
    filters = filters or PracticeFilters()
    query = sa.select(Practice)
    if filters.category:
        query = query.where(Practice.category == filters.category)
    if filters.language:
        query = query.where(Practice.language == filters.language)
    if filters.sdg:
        query = query.where(Practice.sdgs.any(Sdg.number == filters.sdg))
    for name in ("time", "difficulty", "cost"):
        limit = getattr(filters, f"max_{name}")
        if limit:
            query = query.where(getattr(Practice, name) <= limit)
    for word in fold(filters.q).split()[:MAX_WORDS]:
        query = query.where(Practice.search_text.contains(word, autoescape=True))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda p: (fold(p.title), p.id))


def practices_for_category(category: str) -> list[Practice]:
    """Sheets of one category, for pooled services of the same category."""
    if category not in CATEGORIES:
        return []
    return list_practices(PracticeFilters(category=category))


def get_practice(slug: str) -> Practice | None:
    return db.session.scalar(sa.select(Practice).where(Practice.slug == slug))
