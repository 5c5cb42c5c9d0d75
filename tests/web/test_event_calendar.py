"""An event's calendar file names whom one meets in plain sentences."""

from __future__ import annotations

import icalendar
import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Event
from tests.builders import make_org, make_user
from tests.conftest import as_user
from tests.event_builders import make_planned_event


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("Cartonnages de Foetz S.A.", "avec Cartonnages de Foetz S.A."),
        ("Cyclo-Atelier", "avec Cyclo-Atelier."),
    ],
)
def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(
    app: Flask, client, name: str, sentence: str
) -> None:
    with app.app_context():
        ours = make_org(name="Banque Alimentaire du Sud a.s.b.l", kind="association")
        theirs = make_org(name=name)
        member = make_user(org=ours)
        facilitator = make_user(org=make_org(name="Réseau"), facilitator=True)
        event: Event = make_planned_event(facilitator, [ours, theirs], rounds=1)
        event.state = "published"
        db.session.commit()
        event_id, member_id = event.id, member.id
    as_user(app, client, member_id)
    response = client.get(f"/events/{event_id}/calendar.ics")
    assert response.status_code == 200
    (evening,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    text = str(evening["description"])
    assert f"{sentence}\n" in f"{text}\n"
    assert f"{name}.." not in text
