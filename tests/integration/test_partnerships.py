"""Partnerships signed at a matchmaking evening: recorded in one step."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext
from symbiosis.models import Agreement, Event, EventRegistration, Listing
from symbiosis.services import partnerships
from tests.builders import make_org, make_reference, make_user, make_zone


@pytest.fixture
def evening(ctx: Flask) -> dict[str, Any]:
    make_reference()
    zone = make_zone()
    firm = make_org(name="Banque du Kirchberg", zone=zone)
    club = make_org(name="FC Hesper", kind="association", zone=zone)
    outsider = make_org(name="Garage Nord", zone=zone)
    event = Event(
        title="Soirée de rencontres", place="Luxembourg", zone_id=zone.id,
        starts_at=datetime.now(UTC) - timedelta(days=1), tables=10, rounds=6,
        minutes_per_round=8, pairs="mixed", state="held", themes=["sport"],
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    for org in (firm, club):
        db.session.add(EventRegistration(event_id=event.id, organisation_id=org.id))
    users = {
        "firm_user": make_user(org=firm), "club_user": make_user(org=club),
        "outsider_user": make_user(org=outsider),
        "facilitator": make_user(facilitator=True, role=None),
    }  # fmt: skip
    db.session.commit()
    return {"event": event, "firm": firm, "club": club, "outsider": outsider, **users}


def _raw(w: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"giver": w["firm"].id, "taker": w["club"].id,
            "title": "Journées de bénévolat", "quantity": "40", "unit": "hours",
            "value_eur": "1500", "sdgs": ["3", "11"], **changes}  # fmt: skip


def test_recording_a_partnership_signed_at_the_event(evening):
    w = evening
    agreement = partnerships.record(w["facilitator"], w["event"].id, _raw(w))
    assert agreement.kind == "partnership"
    assert agreement.event_id == w["event"].id
    assert agreement.state == "accepted"
    assert (agreement.supplier_id, agreement.receiver_id) == (
        w["firm"].id,
        w["club"].id,
    )
    assert (agreement.quantity, agreement.unit) == (Decimal(40), "hours")
    assert agreement.value_eur == Decimal("1500.00")
    assert agreement.revealed_at is not None
    assert [e.to_state for e in agreement.events] == ["proposed", "accepted"]
    offer, request = agreement.offer, agreement.request
    assert (offer.kind, offer.resource, offer.organisation_id) == (
        "offer", "service", w["firm"].id,
    )  # fmt: skip
    assert (request.kind, request.organisation_id) == ("request", w["club"].id)
    assert [s.number for s in offer.sdgs] == [3, 11]
    # a party records it too
    again = partnerships.record(
        w["club_user"], w["event"].id, _raw(w, title="Équipement de football",
                                                unit="pieces", quantity="30",
                                                value_eur="")
    )  # fmt: skip
    assert again.value_eur is None
    assert again.unit == "pieces"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"giver": "999999"}, "giver"),
        ({"taker": ""}, "taker"),
        ({"title": " "}, "title"),
        ({"unit": "t"}, "unit"),
        ({"quantity": "0"}, "quantity"),
        ({"value_eur": "beaucoup"}, "value_eur"),
        ({"value_eur": "-5"}, "value_eur"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_written(evening, changes, field):
    w = evening
    with pytest.raises(FieldErrors) as problems:
        partnerships.record(w["facilitator"], w["event"].id, _raw(w, **changes))
    assert field in dict(problems.value.errors)
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 0


def test_parties_must_be_registered_and_actors_entitled(evening):
    w = evening
    with pytest.raises(FieldErrors) as problems:
        partnerships.record(w["facilitator"], w["event"].id,
                            _raw(w, taker=w["outsider"].id))  # fmt: skip
    registered = gettext("This organisation is not registered.")
    assert dict(problems.value.errors)["taker"] == registered
    with pytest.raises(FieldErrors):
        partnerships.record(w["facilitator"], w["event"].id,
                            _raw(w, taker=w["firm"].id))  # fmt: skip
    with pytest.raises(NotAllowed):
        partnerships.record(w["outsider_user"], w["event"].id, _raw(w))
    with pytest.raises(NotAllowed):
        partnerships.record(w["facilitator"], 999999, _raw(w))


def test_the_dashboard_counts_partnerships_by_event_zone_and_sdg(evening):
    from datetime import date

    from symbiosis.services import stats, stats_tables

    w = evening
    partnerships.record(w["facilitator"], w["event"].id, _raw(w))
    partnerships.record(
        w["facilitator"], w["event"].id,
        _raw(w, title="Ballons", unit="pieces", quantity="30", value_eur="",
             sdgs=["3"]),
    )  # fmt: skip
    today = date.today()
    kpis = stats.kpis(None, today - timedelta(days=30), today)
    assert kpis["partnerships"] == {
        "signed": 2, "hours": Decimal(40), "pieces": Decimal(30),
        "eur": Decimal("1500.00"),
    }  # fmt: skip
    report = stats_tables.build(None, today - timedelta(days=30), today)
    by_event = report.partnerships["by_event"]
    assert [(r["title"], r["signed"]) for r in by_event] == [
        ("Soirée de rencontres", 2)
    ]
    by_sdg = {r["sdg"]: r["signed"] for r in report.partnerships["by_sdg"]}
    assert by_sdg == {3: 2, 11: 1}
    assert [r["signed"] for r in report.partnerships["by_zone"]] == [2]
    assert len(report.tables["partnerships_by_sdg"].rows) == 2
    # another zone's dashboard does not see them
    other = make_zone()
    assert (
        stats.kpis(other.id, today - timedelta(days=30), today)["partnerships"][
            "signed"
        ]
        == 0
    )


def _local_evening(day_offset: int) -> datetime:
    """18:30 in Luxembourg, ``day_offset`` days from today there."""
    here = ZoneInfo("Europe/Luxembourg")
    day = datetime.now(here).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(18, 30), tzinfo=here).astimezone(UTC)


def _counts() -> tuple[int | None, int | None]:
    return (
        db.session.scalar(sa.select(sa.func.count(Agreement.id))),
        db.session.scalar(sa.select(sa.func.count(Listing.id))),
    )


def test_recording_opens_on_the_day_of_the_event(evening):
    w = evening
    w["event"].starts_at = _local_evening(18)
    db.session.commit()
    assert not partnerships.is_open(w["event"])
    with pytest.raises(partnerships.NotOpenYet):
        partnerships.record(w["facilitator"], w["event"].id, _raw(w))
    assert _counts() == (0, 0)
    # on the day, before the evening starts, and during it
    w["event"].starts_at = _local_evening(0)
    db.session.commit()
    assert partnerships.is_open(w["event"])
    assert partnerships.record(w["facilitator"], w["event"].id, _raw(w)).id


def test_a_submission_sent_twice_records_once(evening):
    w = evening
    first = partnerships.record(
        w["firm_user"], w["event"].id, _raw(w), submission_key="k1"
    )
    with pytest.raises(partnerships.AlreadyRecorded) as again:
        partnerships.record(w["firm_user"], w["event"].id, _raw(w), submission_key="k1")
    assert again.value.agreement.id == first.id
    assert _counts() == (1, 2)
    # a new form (new key) is a new partnership, and keys are per person
    partnerships.record(w["firm_user"], w["event"].id, _raw(w), submission_key="k2")
    partnerships.record(w["club_user"], w["event"].id, _raw(w), submission_key="k1")
    assert _counts() == (3, 6)


def test_the_twin_submission_that_loses_the_race_records_nothing(evening, monkeypatch):
    w = evening
    first = partnerships.record(
        w["firm_user"], w["event"].id, _raw(w), submission_key="twin"
    )
    real, looks = partnerships._by_key, []

    def not_committed_yet(key: str) -> Agreement | None:
        looks.append(key)  # the twin's first look comes before the first's commit
        return None if len(looks) == 1 else real(key)

    monkeypatch.setattr(partnerships, "_by_key", not_committed_yet)
    with pytest.raises(partnerships.AlreadyRecorded) as twin:
        partnerships.record(
            w["firm_user"], w["event"].id, _raw(w), submission_key="twin"
        )
    assert twin.value.agreement.id == first.id
    assert len(looks) == 2  # the unique key refused the twin's rows
    assert _counts() == (1, 2)


def test_every_bad_field_is_named_at_once(evening):
    w = evening
    raw = _raw(w, giver="", title="", quantity="-3", unit="t", value_eur="lots",
               sdgs=["99"])  # fmt: skip
    with pytest.raises(FieldErrors) as problems:
        partnerships.record(w["facilitator"], w["event"].id, raw)
    named = {field for field, _message in problems.value.errors}
    assert named == {"giver", "title", "quantity", "unit", "value_eur", "sdgs"}
    assert _counts() == (0, 0)


@pytest.mark.parametrize(
    ("locale", "value_eur", "quantity", "expected"),
    [
        ("fr", "2 400", "40", ("2400.00", "40")),
        ("fr", "2\u202f400,50", "1,5", ("2400.50", "1.5")),
        ("fr", "2\u00a0400", "40", ("2400.00", "40")),
        ("de", "2.400,50", "1.500", ("2400.50", "1500")),
        ("de", "2.400", "2,5", ("2400.00", "2.5")),
        ("en", "2,400.50", "1,500", ("2400.50", "1500")),
    ],
)
def test_amounts_are_read_in_the_readers_language(
    evening, locale, value_eur, quantity, expected
):
    w = evening
    agreement = partnerships.record(
        w["facilitator"], w["event"].id,
        _raw(w, value_eur=value_eur, quantity=quantity), locale=locale,
    )  # fmt: skip
    assert (agreement.value_eur, agreement.quantity) == tuple(map(Decimal, expected))


def test_cents_at_most(evening):
    w = evening
    with pytest.raises(FieldErrors) as problems:
        partnerships.record(
            w["facilitator"], w["event"].id, _raw(w, value_eur="12,345"), locale="fr"
        )
    assert "value_eur" in dict(problems.value.errors)


def test_the_dashboard_shows_partnership_euros_as_amounts(evening, client):
    """The Euros columns read as amounts in the reader's language; the
    workbook keeps the number, formatted in euros."""
    import io

    from openpyxl import load_workbook

    from tests.conftest import login

    w = evening
    partnerships.record(
        w["facilitator"], w["event"].id, _raw(w, value_eur="1500,5"), locale="fr"
    )
    login(client, w["facilitator"])
    page = client.get("/monitoring/").text
    table = page[page.index('id="table-partnerships_by_event"') :]
    table = table[: table.index("</table>")]
    assert re.search(r"1\s500,50\s€", table), table
    assert "1500.5" not in table
    sheets = load_workbook(io.BytesIO(client.get("/monitoring/report.xlsx").data))
    sheet = next(s for s in sheets if s["A1"].value == gettext("Event"))
    euros = next(c for c in sheet[1] if c.value == "Euros").column_letter
    assert sheet[f"{euros}2"].value == 1500.5
    assert "€" in sheet[f"{euros}2"].number_format
