"""Followed searches: hear of new listings that a search of the list finds.

A person saves the filters of the listings page under a name. Once a day
(:func:`alert`, the nightly job or ``flask listings alerts``), each search
looks at what other organisations posted since it last looked; when it finds
something, its owner gets one notice naming the newest listings, with a link
to the search, on the site and by e-mail as they chose. Their own
organisation's listings are left out: they know those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext, ngettext
from symbiosis.models import SavedSearch, User, Zone
from symbiosis.models.base import as_utc, utcnow
from symbiosis.models.saved_search import MAX_NAME
from symbiosis.services import notify
from symbiosis.services.listing_search import Filters, posted_between

MAX_PER_USER = 20
MAX_WORDS = 100  # characters of the words filter, as the list keeps them
SHOWN = 5  # listings named in a notice; the rest are counted
CHUNK = 500  # followed searches read and committed together by the daily alert


def filters_of(search: SavedSearch) -> Filters:
    """The stored filters, read back as the list reads its query string."""
    return Filters.from_args(MultiDict(search.filters or {}))


def link_of(search: SavedSearch) -> str:
    """The listings page that runs the search (a path)."""
    args = filters_of(search).as_args()
    return "/listings/" + (f"?{urlencode(args)}" if args else "")


# What the list's address can carry (Filters.from_args reads the same).
FILTER_KEYS = ("q", "kind", "resource", "zone", "chapter", "within_km")


def read_filters(raw: Any, prefix: str = "filters.") -> dict[str, str]:
    """Filters sent as a JSON object, as the list's query string would carry
    them. :raises FieldErrors: naming the filter (``filters.kind``; ``prefix``
    is what comes before its name) that is unknown, not a text or a number, or
    a value the list would ignore."""
    if not isinstance(raw, dict):
        raise FieldErrors([("filters", gettext("Give the filters as an object."))])
    errors = []
    given = {}
    for key, value in raw.items():
        field = f"{prefix}{key}"
        if key not in FILTER_KEYS:
            errors.append((field, gettext("Not a filter of the listings.")))
        elif isinstance(value, bool) or not isinstance(value, str | int):
            errors.append((field, gettext("Give a text or a whole number.")))
        else:
            given[key] = str(value).strip()
    kept = Filters.from_args(MultiDict(given)).as_args()
    for key, value in given.items():
        if value and (key not in kept or (key == "q" and len(value) > MAX_WORDS)):
            errors.append(
                (f"{prefix}{key}", gettext("The list has no such filter value."))
            )
    zone = kept.get("zone")
    if zone is not None and db.session.get(Zone, zone) is None:
        errors.append((f"{prefix}zone", gettext("No such zone.")))
    if errors:
        raise FieldErrors(errors)
    return given


def serialise(search: SavedSearch) -> dict[str, Any]:
    return {
        "id": search.id,
        "name": search.name,
        "filters": filters_of(search).as_args(),
        "link": link_of(search),
        "created_at": as_utc(search.created_at).isoformat(),
        "last_notice_at": as_utc(search.alerted_at).isoformat()
        if search.alerted_at
        else None,
    }


def of(user: User) -> list[SavedSearch]:
    return list(
        db.session.scalars(
            sa.select(SavedSearch)
            .where(SavedSearch.user_id == user.id)
            .order_by(sa.func.lower(SavedSearch.name), SavedSearch.id)
        )
    )


def follow(user: User, args: Mapping[str, Any], name: str) -> SavedSearch:
    """Save the search that ``args`` (the list's query string) describes.

    :raises FieldErrors: no filter, no name or one already used, the same
        filters already followed, or too many searches.
    """
    wanted = Filters.from_args(MultiDict(args)).as_args()
    name = " ".join((name or "").split())
    errors: list[tuple[str, str]] = []
    if not wanted:
        errors.append(
            ("filters", gettext("Choose a filter or words to search for first."))
        )
    if not name:
        errors.append(("name", gettext("Give the search a name.")))
    elif len(name) > MAX_NAME:
        errors.append(
            ("name", gettext("At most %(n)d characters.", n=MAX_NAME)),
        )
    mine = of(user)
    if len(mine) >= MAX_PER_USER:
        errors.append(
            (
                "name",
                gettext(
                    "You follow %(n)d searches already: stop following one first.",
                    n=MAX_PER_USER,
                ),
            )
        )
    for known in mine:
        if wanted and filters_of(known).as_args() == wanted:
            errors.append(
                ("name", gettext("You already follow this search as “%(name)s”.",
                                 name=known.name))
            )  # fmt: skip
        elif name and known.name.casefold() == name.casefold():
            errors.append(
                ("name", gettext("You already follow a search with this name."))
            )
    if errors:
        raise FieldErrors(errors[:1] if errors[0][0] == "filters" else errors)
    search = SavedSearch(
        user_id=user.id, name=name, filters=wanted, seen_until=utcnow()
    )
    db.session.add(search)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same name, saved at the same moment
        db.session.rollback()
        raise FieldErrors(
            [("name", gettext("You already follow a search with this name."))]
        ) from None
    return search


def stop(user: User, search_id: int) -> None:
    """Stop following one's own search. :raises NotAllowed: anyone else's."""
    search = db.session.get(SavedSearch, search_id)
    if search is None or search.user_id != user.id:
        raise NotAllowed(gettext("No such search."))
    db.session.delete(search)
    db.session.commit()


def _notice(name: str, total: int, titles: list[str]) -> tuple[str, str]:
    subject = ngettext(
        "%(num)d new listing for your search “%(name)s”",
        "%(num)d new listings for your search “%(name)s”",
        total,
        name=name,
    )
    lines = [f"– {title}" for title in titles]
    if total > len(titles):
        more = total - len(titles)
        lines.append(ngettext("and %(num)d more.", "and %(num)d more.", more))
    return subject, "\n".join(lines)


def alert(now: datetime | None = None) -> int:
    """Tell each person what their searches found since they last looked;
    returns how many searches found something.

    Searches are read and committed ``CHUNK`` at a time, so that a national
    network's hundreds of thousands never sit in memory at once; a failure
    leaves the searches of its chunk to look again at the next run.
    """
    now = now or utcnow()
    found_any = 0
    after = 0
    while True:
        searches = db.session.scalars(
            sa.select(SavedSearch)
            .join(User, User.id == SavedSearch.user_id)
            .where(
                User.active.is_(True),
                SavedSearch.seen_until < now,
                SavedSearch.id > after,
            )
            .options(joinedload(SavedSearch.user).joinedload(User.organisation))
            .order_by(SavedSearch.id)
            .limit(CHUNK)
        ).all()
        if not searches:
            return found_any
        for search in searches:
            total, items = posted_between(
                search.user, filters_of(search), search.seen_until, now, limit=SHOWN
            )
            if total:
                notify.tell(
                    [search.user],
                    partial(_notice, search.name, total, [x.title for x in items]),
                    link=link_of(search),
                )
                search.alerted_at = now
                found_any += 1
            search.seen_until = now
        after = searches[-1].id
        db.session.commit()


def load_demo(rows: list[dict[str, Any]], now: datetime | None = None) -> int:
    """The demo's followed searches (``follows`` of ``users.json``): each one
    looked last ``days_ago`` days ago, so that ``flask listings alerts``
    finds what was posted since. Searches already followed are skipped."""
    now = now or utcnow()
    added = 0
    for row in rows:
        user = db.session.scalar(sa.select(User).where(User.email == row["email"]))
        if user is None:
            continue
        known = {s.name for s in of(user)}
        for follow_ in row.get("follows", []):
            if follow_["name"] in known:
                continue
            wanted = Filters.from_args(MultiDict(follow_["filters"])).as_args()
            since = now - timedelta(days=follow_["days_ago"])
            db.session.add(
                SavedSearch(
                    user_id=user.id,
                    name=follow_["name"],
                    filters=wanted,
                    seen_until=since,
                    created_at=since,
                )
            )
            added += 1
    db.session.commit()
    return added
