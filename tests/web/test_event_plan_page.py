"""The facilitator's plan page: what an edit says and where, the locked
meetings explained, the swap form's choices; and a registration updated."""

from __future__ import annotations

import html
import re
from itertools import combinations
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Event, EventMeeting, Organisation, User
from symbiosis.services import event_plans, events
from tests.builders import make_reference
from tests.conftest import as_user
from tests.event_builders import make_event, make_event_world, register_all


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        return make_event_world()


def _planned(app: Flask, world: dict[str, Any]) -> int:
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        assert boss is not None
        event = make_event(boss)
        orgs = [db.session.get(Organisation, i) for i in world["orgs"]]
        register_all(event, boss, orgs, world["forms"])  # type: ignore[arg-type]
        event_plans.plan(boss, event.id)
        return event.id


def _meetings(app: Flask, event_id: int) -> tuple[int, list[EventMeeting]]:
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        meetings = list(event.meetings)
        for m in meetings:
            db.session.expunge(m)
        return event.version, meetings


def _section(page: str, number: int) -> str:
    found = re.search(rf'<section id="round-{number}".*?</section>', page, re.S)
    assert found, f"no round {number}"
    return found.group(0)


def _lands_on_its_round(client: FlaskClient, response: Any, number: int) -> None:
    """The answer opens the plan at the round changed, the confirmation in it,
    once; nothing at the top of the page, out of sight."""
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plan#round-{number}")
    page = client.get(response.headers["Location"]).text
    assert 'class="flashes"' not in page
    assert page.count('id="plan-done"') == 1
    assert 'role="status" id="plan-done"' in _section(page, number)
    assert 'id="plan-done"' not in client.get(response.headers["Location"]).text


def test_a_move_opens_the_plan_at_its_round_with_the_confirmation(app, client, world):
    event_id = _planned(app, world)
    version, meetings = _meetings(app, event_id)
    meeting = meetings[0]
    # to another table of its round: the meeting there takes its place
    other = next(
        m
        for m in meetings
        if m.round == meeting.round and m.table_no != meeting.table_no
    )
    target = other.table_no
    as_user(app, client, world["facilitator"])
    moved = client.post(
        f"/events/{event_id}/move",
        data={"move-version": version, "move-round": meeting.round,
              "move-table": meeting.table_no, "move-to_round": meeting.round,
              "move-to_table": target},
    )  # fmt: skip
    _lands_on_its_round(client, moved, meeting.round)
    _version, after = _meetings(app, event_id)
    assert (meeting.round, target, meeting.org_a_id) in {
        (m.round, m.table_no, m.org_a_id) for m in after
    }


def test_a_swap_opens_the_plan_at_its_round_with_the_confirmation(app, client, world):
    event_id = _planned(app, world)
    version, meetings = _meetings(app, event_id)
    met = {frozenset((m.org_a_id, m.org_b_id)) for m in meetings}
    number, one, two = next(
        (m.round, m, n)
        for m, n in combinations(meetings, 2)
        if m.round == n.round
        and not {
            frozenset((m.org_a_id, n.org_b_id)),
            frozenset((n.org_a_id, m.org_b_id)),
        }
        & met
    )  # two firms of a round who have not met each other's partner
    as_user(app, client, world["facilitator"])
    swapped = client.post(
        f"/events/{event_id}/swap",
        data={"swap-version": version, "swap-round": number,
              "swap-first": one.org_a_id, "swap-second": two.org_a_id},
    )  # fmt: skip
    _lands_on_its_round(client, swapped, number)


def test_a_lock_opens_the_plan_at_its_round_with_the_confirmation(app, client, world):
    event_id = _planned(app, world)
    version, meetings = _meetings(app, event_id)
    last = max(meetings, key=lambda m: m.round)
    as_user(app, client, world["facilitator"])
    locked = client.post(
        f"/events/{event_id}/meetings/{last.round}/{last.table_no}/lock",
        data={"version": version, "lock": "1"},
    )
    _lands_on_its_round(client, locked, last.round)


def test_a_refused_edit_opens_the_plan_at_the_top_where_it_is_said(app, client, world):
    event_id = _planned(app, world)
    _version, meetings = _meetings(app, event_id)
    as_user(app, client, world["facilitator"])
    stale = client.post(
        f"/events/{event_id}/move",
        data={"move-version": "1", "move-round": meetings[0].round,
              "move-table": meetings[0].table_no, "move-to_round": "1",
              "move-to_table": "1"},
    )  # fmt: skip
    assert stale.status_code == 302
    assert stale.headers["Location"].endswith("/plan#main")  # not the form's #move
    page = client.get(stale.headers["Location"]).text
    assert 'class="flashes"' in page
    assert 'id="plan-done"' not in page


def test_the_swap_form_chooses_among_the_organisations_from_nothing(app, client, world):
    event_id = _planned(app, world)
    as_user(app, client, world["facilitator"])
    page = client.get(f"/events/{event_id}/plan").text
    for name in ("swap-first", "swap-second"):
        select = re.search(rf'<select class="form-select" id="{name}".*?</select>',
                           page, re.S)  # fmt: skip
        assert select, name
        options = re.findall(r"<option ([^>]*)>", select.group(0))
        assert options[0] == 'value=""'  # "choose", selected as the first
        assert len(options) == len(world["orgs"]) + 1
        assert not any("selected" in o for o in options)
    version = _meetings(app, event_id)[0]
    unchosen = client.post(
        f"/events/{event_id}/swap",
        data={"swap-version": version, "swap-round": "1", "swap-first": "",
              "swap-second": ""},
    )  # fmt: skip
    assert unchosen.status_code == 422
    assert 'id="swap-first-error"' in unchosen.text
    assert 'class="form-select is-invalid"' in unchosen.text


def _to_english(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "en"})


def test_locked_meetings_are_counted_and_explained(app, client, world):
    event_id = _planned(app, world)
    version, meetings = _meetings(app, event_id)
    as_user(app, client, world["facilitator"])
    _to_english(client)  # the source wording, singular and plural
    legend = 'id="locked-legend"'
    assert legend in client.get(f"/events/{event_id}/plan").text
    for count, meeting in enumerate(meetings[:2], start=1):
        client.post(
            f"/events/{event_id}/meetings/{meeting.round}/{meeting.table_no}/lock",
            data={"lock": "1"},
        )
        page = client.get(f"/events/{event_id}/plan").text
        said = re.search(r'<p id="locked-legend">(.*?)</p>', page, re.S)
        assert said
        assert ("1 meeting is locked" if count == 1 else "2 meetings are locked") in (
            said.group(1)
        )
        assert page.count('<tr class="table-info">') == count
        assert "1 verrouillées" not in page
    assert version


def test_the_programme_does_not_highlight_locks_it_does_not_explain(app, client, world):
    event_id = _planned(app, world)
    version, meetings = _meetings(app, event_id)
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        first = meetings[0]
        event_plans.set_lock(boss, event_id, first.round, first.table_no, True)
        events.step(boss, event_id, "publish")
    as_user(app, client, world["members"][0])
    page = client.get(f"/events/{event_id}/programme").text
    assert "table-info" not in page
    assert version


def test_updating_a_registration_says_it_is_updated(app, client, world):
    event_id = _planned(app, world)
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        events.step(boss, event_id, "reopen")
    as_user(app, client, world["members"][0])
    data = {"organisation": world["orgs"][0], "offers": "Salle de réunion"}
    updated = client.post(f"/events/{event_id}/register", data=data,
                          follow_redirects=True)  # fmt: skip
    assert updated.status_code == 200
    flashes = re.search(r'<div class="flashes".*?</div>\s*</div>', updated.text, re.S)
    assert flashes
    assert "alert-success" in flashes.group(0)
    assert "L'organisation est inscrite" not in html.unescape(flashes.group(0))
    # a first registration still says so
    data = {"organisation": world["orgs"][0], "offers": "Salle de réunion"}
    client.post(f"/events/{event_id}/unregister", data=data)
    first = client.post(f"/events/{event_id}/register", data=data,
                        follow_redirects=True)  # fmt: skip
    assert "L'organisation est inscrite" in html.unescape(first.text)
