"""Read a matchmaking event's fields and a registration's (pure).

The same cell readers as listings, so "12/03/2027" or "4, 8; 12" mean the same
in every form. Messages come back untranslated (``N_`` marks them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from symbiosis.agreement_fields import Parsed, collect_fields
from symbiosis.listing_fields import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    N_,
    Invalid,
    Problem,
    clean_text,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_sdgs,
)

PAIRS = ("mixed", "any")  # mixed: firms meet non-profits; any: every pair
# The planner pairs two sides; a public body sits with the non-profits.
PLANNER_KIND = {"company": "company", "association": "association"}
MAX_PLACE = 200
MAX_TABLES = 200
MAX_ROUNDS = 20
MAX_MINUTES = 240
MAX_THEMES = 10
MAX_THEME = 60
MAX_LINES = 20  # offers or seeks of one organisation
MAX_LINE = 200
_TIME = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})$")


def planner_kind(org_kind: str) -> str:
    """``company`` for firms, ``association`` for every other organisation."""
    return PLANNER_KIND.get(org_kind, "association")


def _whole(low: int, high: int) -> Any:
    def parse(value: Any) -> int:
        number = parse_decimal(value)
        if number != number.to_integral_value() or not low <= number <= high:
            raise Invalid(
                N_("Enter a whole number from %(low)d to %(high)d."),
                low=low,
                high=high,
            )
        return int(number)

    return parse


def parse_time(value: Any) -> time:
    """Read "18:30", "18h30" or "18.30"."""
    if isinstance(value, time):
        return value
    match = _TIME.match(clean_text(value, max_length=10))
    if match is None:
        raise Invalid(N_("Enter a time as HH:MM, like 18:30."))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise Invalid(N_("Enter a time as HH:MM, like 18:30."))
    return time(hour, minute)


def _split(value: Any, pattern: str) -> list[str]:
    if isinstance(value, list | tuple):
        items = [clean_text(v, max_length=10_000) for v in value]
    else:
        items = re.split(pattern, clean_text(value, max_length=100_000, multiline=True))
    return [item.strip() for item in items if item and item.strip()]


def parse_themes(value: Any) -> list[str]:
    """Comma-separated themes (or a list), each kept once, in the given order."""
    themes: dict[str, str] = {}
    for theme in _split(value, r"[,;\n]"):
        if len(theme) > MAX_THEME:
            raise Invalid(N_("A theme has at most %(n)d characters."), n=MAX_THEME)
        themes.setdefault(theme.casefold(), theme)
    if len(themes) > MAX_THEMES:
        raise Invalid(N_("Give at most %(n)d themes."), n=MAX_THEMES)
    return list(themes.values())


def parse_lines(value: Any) -> list[str]:
    """One offer or need per line (or a list); blank lines are dropped."""
    lines = _split(value, r"\r?\n")
    if len(lines) > MAX_LINES:
        raise Invalid(N_("Give at most %(n)d lines."), n=MAX_LINES)
    for line in lines:
        if len(line) > MAX_LINE:
            raise Invalid(N_("A line has at most %(n)d characters."), n=MAX_LINE)
    return lines


def _zone(value: Any) -> int | None:
    number = _whole(0, 2**31 - 1)(value)
    return number or None


def parse_event(raw: Mapping[str, Any]) -> Parsed:
    """Title, description, date and time, place, zone, themes, the plan's shape."""
    parsed = collect_fields(
        raw,
        {
            "title": lambda v: clean_text(v, max_length=MAX_TITLE),
            "description": lambda v: (
                clean_text(v, max_length=MAX_DESCRIPTION, multiline=True) or None
            ),
            "date": parse_date,
            "time": parse_time,
            "place": lambda v: clean_text(v, max_length=MAX_PLACE),
            "zone_id": _zone,
            "themes": parse_themes,
            "tables": _whole(1, MAX_TABLES),
            "rounds": _whole(1, MAX_ROUNDS),
            "minutes_per_round": _whole(5, MAX_MINUTES),
            "pairs": lambda v: parse_choice(v, {p: p for p in PAIRS}, PAIRS),
        },
        {"title", "date", "time", "place", "tables", "rounds", "minutes_per_round"},
    )
    values = parsed.values
    if values.get("pairs") is None and not any(
        p.field == "pairs" for p in parsed.problems
    ):
        values["pairs"] = "mixed"
    if "themes" in values and values["themes"] is None:
        values["themes"] = []
    return parsed


def parse_registration(
    raw: Mapping[str, Any], event_themes: Sequence[str] = ()
) -> Parsed:
    """What an organisation offers and seeks, its SDGs and the event's themes.

    Themes are chosen among the event's (``event_themes``), matched without
    regard to case; an event without themes takes none.
    """
    parsed = collect_fields(
        raw,
        {
            "offers": parse_lines,
            "seeks": parse_lines,
            "sdgs": lambda v: list(parse_sdgs(v)),
            "themes": parse_themes,
        },
        set(),
    )
    values = parsed.values
    for name in ("offers", "seeks", "sdgs", "themes"):
        if values.get(name) is None and name in values:
            values[name] = []
    fields = {p.field for p in parsed.problems}
    if (
        not {"offers", "seeks"} & fields
        and not values.get("offers")
        and not values.get("seeks")
    ):
        parsed.problems.append(
            Problem("offers", N_("Say what you offer or what you seek, one per line."))
        )
    if values.get("themes"):
        known = {t.casefold(): t for t in event_themes}
        unknown = [t for t in values["themes"] if t.casefold() not in known]
        if unknown:
            parsed.problems.append(
                Problem(
                    "themes",
                    N_("Choose among the event's themes: %(themes)s."),
                    {"themes": ", ".join(event_themes) or "—"},
                )
            )
        else:
            values["themes"] = [known[t.casefold()] for t in values["themes"]]
    return parsed
