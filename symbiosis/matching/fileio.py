"""The file interface: listings in (JSON or CSV), matches out (JSON), no database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from symbiosis.listing_fields import parse_listing
from symbiosis.matching.engine import Matcher
from symbiosis.matching.explain import sentence
from symbiosis.matching.model import Item, Match
from symbiosis.units import base_unit, yearly


class InputError(ValueError):
    """A listing of the input file is unusable; the message names it."""


def read_listings(text: str, *, json_input: bool) -> list[dict[str, Any]]:
    """Rows of the import columns plus ``id``, from a JSON list or a CSV table."""
    if json_input:
        data = json.loads(text)
        rows = data.get("listings", data) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise InputError("the JSON must be a list of listings")
        return rows
    sample = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=sample.count)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


QUANTITY = ("quantity", "unit", "frequency")


class Ids:
    """Numbers for the file's ids (which may be text, like "NISP-01-O")."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.text: dict[int, str] = {}

    def __call__(self, ident: Any) -> int:
        key = str(ident)
        if key not in self.number:
            self.number[key] = len(self.number) + 1
            self.text[self.number[key]] = key
        return self.number[key]


def to_item(
    row: dict[str, Any], ids: Ids, hazardous_codes: set[str], *, anywhere: bool = False
) -> Item:
    """Check one row with the listing rules and turn it into a matcher item.

    A listing without any quantity is accepted (its quantity fit is neutral).
    With ``anywhere``, places outside Luxembourg are accepted (evaluation sets).

    :raises InputError: naming the row's id and the first bad field.
    """
    ident = row.get("id")
    if ident in (None, ""):
        raise InputError("a listing has no id")
    no_quantity = all(row.get(name) in (None, "") for name in QUANTITY)
    data = parse_listing(row)
    problems = [
        p
        for p in data.problems
        if not (no_quantity and p.field in QUANTITY)
        and not (anywhere and p.field in ("lat", "lon") and "Luxembourg" in p.message)
    ]
    if problems:
        problem = problems[0]
        raise InputError(
            f"listing {ident}: {problem.field}: {problem.message % problem.params}"
        )
    v = data.values
    lat, lon = v.get("lat"), v.get("lon")
    amount = (
        None if no_quantity else float(yearly(v["quantity"], v["unit"], v["frequency"]))
    )
    code = v.get("ewc_code")
    return Item(
        id=ids(ident),
        kind=v["kind"],
        resource=v["resource"],
        title=v["title"],
        description=v.get("description") or "",
        ewc_code=code,
        accepted_ewc=_codes(row.get("accepted_ewc")),
        hazardous=code in hazardous_codes,
        accepts_hazardous=v.get("accepts_hazardous", False),
        lat=lat if lat is not None else 49.61,
        lon=lon if lon is not None else 6.13,
        yearly=amount,
        base_unit=None if no_quantity else base_unit(v["unit"]).value,
        available_from=v.get("available_from"),
        available_until=v.get("available_until"),
        max_distance_km=v.get("max_distance_km"),
        sdgs=tuple(v.get("sdgs", ())),
        themes=tuple(v.get("themes", ())),
    )


def _codes(value: Any) -> tuple[str, ...]:
    """Waste codes given as a list or as text separated by ; , or spaces."""
    from symbiosis.listing_fields import parse_ewc

    items = (
        value
        if isinstance(value, list)
        else str(value or "").replace(",", ";").split(";")
    )
    codes = []
    for item in items:
        if str(item).strip():
            code = parse_ewc(item)
            if code:
                codes.append(code)
    return tuple(codes)


def hazardous_codes(ewc_csv: str) -> set[str]:
    """The hazardous codes of the List of Waste (``seeds/reference/ewc.csv``)."""
    return {
        row["code"]
        for row in csv.DictReader(io.StringIO(ewc_csv))
        if row["hazardous"] == "1"
    }


def run(
    rows: Iterable[dict[str, Any]],
    matcher: Matcher,
    top: int = 5,
    hazardous: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Top ``top`` per offer and per request, as plain dicts, best first."""
    ids = Ids()
    items = [to_item(row, ids, hazardous or set()) for row in rows]
    matcher.add(items)
    seen: dict[tuple[int, int], Match] = {}
    for item in items:
        for match in matcher.match(item, top):
            seen.setdefault(match.pair, match)
    ordered = sorted(seen.values(), key=lambda m: (-m.score, m.request_id, m.offer_id))
    return [
        {
            "offer": _original(ids.text[m.offer_id]),
            "request": _original(ids.text[m.request_id]),
            "score": m.score,
            "distance_km": m.distance_km,
            "parts": m.parts,
            "reasons": [sentence(r, matcher.lexicon) for r in m.reasons],
        }
        for m in ordered
    ]


def _original(text: str) -> int | str:
    # ids read as numbers are written back as numbers ("²" is no number)
    return int(text) if text.isascii() and text.isdecimal() else text
