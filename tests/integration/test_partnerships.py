"""Partnerships signed at a matchmaking evening: recorded in one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

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
