"""Calendar entries written as iCalendar (RFC 5545), for agenda programs.

An :class:`Entry` is one thing on a date: a timed one (an evening of
meetings) has aware start and end times, written in UTC so that every
program shows them in its own time zone; an all-day one (a working group's
meeting, an action due) has dates, its end the day after, as RFC 5545 counts
it. The ``uid`` stays the same for the same thing across downloads, and
``sequence`` grows when it changes, so a program updates an entry instead of
adding a second one; an entry no longer in a subscribed calendar disappears
from it at the next refresh.

The texts arrive translated: this module knows nothing of the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

PRODUCT_ID = "-//Symbiosis//Symbiosis calendar//FR"
# How often a subscribed program should fetch the calendar again.
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Entry:
    uid: str
    title: str
    start: datetime | date
    end: datetime | date | None = None  # None: a day long (dates), or no end
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    modified: datetime | None = None

    def __post_init__(self) -> None:
        timed = isinstance(self.start, datetime)
        if isinstance(self.start, datetime) and self.start.tzinfo is None:
            raise ValueError("a timed entry needs an aware start")
        if self.end is not None:
            if isinstance(self.end, datetime) != timed:
                raise ValueError("start and end are both dates or both times")
            if self.end < self.start:
                raise ValueError("the end comes before the start")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _vevent(entry: Entry, stamp: datetime) -> VEvent:
    found = VEvent()
    found.add("uid", entry.uid)
    found.add("dtstamp", stamp)
    found.add("summary", entry.title)
    if isinstance(entry.start, datetime):
        found.add("dtstart", _utc(entry.start))
        if isinstance(entry.end, datetime):
            found.add("dtend", _utc(entry.end))
    else:
        found.add("dtstart", entry.start)
        end = entry.end if entry.end is not None else entry.start + timedelta(days=1)
        found.add("dtend", end)
        found.add("transp", "TRANSPARENT")  # a whole day, but not busy all day
    if entry.location:
        found.add("location", entry.location)
    if entry.description:
        found.add("description", entry.description)
    if entry.url:
        found.add("url", entry.url)
    found.add("sequence", max(entry.sequence, 0))
    if entry.modified is not None:
        found.add("last-modified", _utc(entry.modified))
    return found


def calendar(name: str | None, entries: Iterable[Entry], *, now: datetime) -> bytes:
    """The iCalendar text of ``entries``: a calendar called ``name`` that
    programs subscribe to and fetch again; without a name, entries that a
    program imports into a calendar of its own (one event's file)."""
    found = Calendar()
    found.add("prodid", PRODUCT_ID)
    found.add("version", "2.0")
    found.add("calscale", "GREGORIAN")
    found.add("method", "PUBLISH")
    if name is not None:
        found.add("name", name)  # RFC 7986
        found.add("x-wr-calname", name)  # the same, for programs older than it
        found.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        found.add("x-published-ttl", vDuration(REFRESH))
    stamp = _utc(now)
    for entry in entries:
        found.add_component(_vevent(entry, stamp))
    return bytes(found.to_ical())
