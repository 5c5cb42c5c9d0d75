"""The iCalendar writer: what agenda programs read from an entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import icalendar
import pytest

from symbiosis.calendar_ics import Entry, calendar

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def parse(*entries: Entry) -> list[icalendar.Event]:
    text = calendar("Symbiosis : Anna", entries, now=NOW)
    assert text.startswith(b"BEGIN:VCALENDAR\r\n")
    assert text.endswith(b"END:VCALENDAR\r\n")
    found = icalendar.Calendar.from_ical(text)
    assert str(found["x-wr-calname"]) == "Symbiosis : Anna"
    assert found["refresh-interval"].dt == timedelta(hours=1)
    return list(found.walk("VEVENT"))


def test_a_timed_entry_is_written_in_utc_whatever_zone_it_came_in() -> None:
    summer = timezone(timedelta(hours=2))
    (found,) = parse(
        Entry(
            uid="event-1@example.lu",
            title="Soirée; tables, rondes",
            start=datetime(2027, 6, 3, 18, 30, tzinfo=summer),
            end=datetime(2027, 6, 3, 20, 0, tzinfo=summer),
            location="Kirchberg",
            description="Tour 1\nTour 2",
            url="https://symbiose.example.lu/events/1",
            sequence=4,
        )
    )
    assert found.decoded("dtstart") == datetime(2027, 6, 3, 16, 30, tzinfo=UTC)
    assert found.decoded("dtend") == datetime(2027, 6, 3, 18, 0, tzinfo=UTC)
    assert str(found["summary"]) == "Soirée; tables, rondes"  # escaped and back
    assert str(found["description"]) == "Tour 1\nTour 2"
    assert int(found["sequence"]) == 4
    assert found.decoded("dtstamp") == NOW
    assert "transp" not in found


def test_a_file_without_a_name_is_imported_not_subscribed_to() -> None:
    text = calendar(None, [Entry(uid="u", title="t", start=date(2027, 1, 5))], now=NOW)
    found = icalendar.Calendar.from_ical(text)
    assert len(list(found.walk("VEVENT"))) == 1
    assert "x-wr-calname" not in found
    assert "refresh-interval" not in found


def test_a_day_entry_lasts_the_day_and_leaves_the_time_free() -> None:
    (found,) = parse(
        Entry(uid="group-meeting-3@x", title="Réunion", start=date(2027, 1, 5))
    )
    assert found.decoded("dtstart") == date(2027, 1, 5)
    assert found.decoded("dtend") == date(2027, 1, 6)  # RFC 5545: the end is excluded
    assert str(found["transp"]) == "TRANSPARENT"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2027, 1, 5, 9, 0), None),  # no zone: which 9 o'clock?
        (datetime(2027, 1, 5, 9, 0, tzinfo=UTC), date(2027, 1, 6)),
        (date(2027, 1, 5), datetime(2027, 1, 6, 9, 0, tzinfo=UTC)),
        (
            datetime(2027, 1, 5, 9, 0, tzinfo=UTC),
            datetime(2027, 1, 5, 8, 0, tzinfo=UTC),
        ),
    ],
)
def test_an_entry_that_programs_would_misread_is_refused(
    start: datetime | date, end: datetime | date | None
) -> None:
    with pytest.raises(ValueError, match=r"aware start|both dates|before the start"):
        Entry(uid="x", title="x", start=start, end=end)
