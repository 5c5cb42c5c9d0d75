"""Matchmaking events in pages: create, register, plan, edit the plan, publish."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import Event, EventMeeting, EventRegistration
from symbiosis.services import event_plans, event_registrations, events
from tests.builders import make_reference
from tests.conftest import as_user, repeated_ids
from tests.event_builders import (
    EVENT,
    make_event,
    make_event_world,
    register_all,
)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        return make_event_world()


def _event(
    app: Flask, world: dict[str, Any], *, register: int = 0, plan: bool = False
) -> int:
    with app.app_context():
        from symbiosis.models import Organisation, User

        boss = db.session.get(User, world["facilitator"])
        event = make_event(boss)
        orgs = [db.session.get(Organisation, i) for i in world["orgs"][:register]]
        register_all(event, boss, orgs, world["forms"][:register])  # type: ignore[arg-type]
        if plan:
            event_plans.plan(boss, event.id)
        return event.id


def _event_row(app: Flask, event_id: int) -> Event:
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        db.session.expunge(event)
        return event


def test_a_facilitator_creates_an_event_and_errors_sit_next_to_fields(
    app, client, world
):
    as_user(app, client, world["facilitator"])
    assert client.get("/events/new").status_code == 200
    bad = client.post("/events/new", data={**EVENT, "tables": "0", "title": ""})
    assert bad.status_code == 422
    page = bad.text
    assert 'id="tables-error"' in page
    assert 'id="title-error"' in page
    assert 'aria-describedby="tables-error"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    done = client.post("/events/new", data={**EVENT, "zone_id": world["zone"]})
    assert done.status_code == 302
    detail = client.get(done.headers["Location"])
    assert detail.status_code == 200
    assert html.escape(EVENT["title"]) in detail.text or EVENT["title"] in detail.text
    assert "/step/open" in detail.text


def test_members_cannot_create_or_see_drafts(app, client, world):
    as_user(app, client, world["members"][0])
    assert client.get("/events/new").status_code == 403
    with app.app_context():
        from symbiosis.models import User

        draft = events.create(db.session.get(User, world["facilitator"]), EVENT)
        draft_id = draft.id
    assert client.get(f"/events/{draft_id}").status_code == 404
    assert EVENT["title"] not in client.get("/events/").text


def test_a_member_registers_through_the_page(app, client, world):
    event_id = _event(app, world)
    as_user(app, client, world["members"][0])
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert 'for="offers"' in page.text
    assert 'name="sdgs"' in page.text
    bad = client.post(
        f"/events/{event_id}/register",
        data={"organisation": world["orgs"][0], "offers": "", "seeks": ""},
    )
    assert bad.status_code == 422
    assert 'id="offers-error"' in bad.text
    ok = client.post(
        f"/events/{event_id}/register",
        data={"organisation": world["orgs"][0], "offers": "Salle de réunion",
              "seeks": "Bénévoles", "sdgs": ["4", "8"], "themes": ["Sport"]},
    )  # fmt: skip
    assert ok.status_code == 302
    other = client.post(
        f"/events/{event_id}/register",
        data={"organisation": world["orgs"][1], "offers": "x"},
    )
    assert other.status_code == 403
    with app.app_context():
        rows = db.session.scalars(sa.select(EventRegistration)).all()
        assert [(r.organisation_id, r.sdgs, r.themes) for r in rows] == [
            (world["orgs"][0], [4, 8], ["Sport"])
        ]


def test_the_facilitator_plans_swaps_locks_and_publishes(app, client, world):
    event_id = _event(app, world, register=len(world["orgs"]))
    as_user(app, client, world["facilitator"])
    version = _event_row(app, event_id).version
    planned = client.post(f"/events/{event_id}/plan", data={"version": version})
    assert planned.status_code == 302
    page = client.get(f"/events/{event_id}/plan")
    assert page.status_code == 200
    assert "<caption>" in page.text
    assert 'scope="col"' in page.text
    with app.app_context():
        event = db.session.get(Event, event_id)  # type: ignore[assignment]
        one, two = sorted(
            (m for m in event.meetings if m.round == 1), key=lambda m: m.table_no
        )[:2]
        firm, club, version = one.org_a_id, two.org_b_id, event.version
        grid = {(m.round, m.table_no, m.org_a_id, m.org_b_id) for m in event.meetings}
    refused = client.post(
        f"/events/{event_id}/swap",
        data={"swap-version": version, "swap-round": "1",
              "swap-first": firm, "swap-second": club},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "alert-danger" in refused.text  # the problem, above the swap form
    with app.app_context():
        after = db.session.scalars(sa.select(EventMeeting)).all()
        assert {(m.round, m.table_no, m.org_a_id, m.org_b_id) for m in after} == grid
    locked = client.post(
        f"/events/{event_id}/meetings/1/{one.table_no}/lock",
        data={"version": version, "lock": "1"},
    )
    assert locked.status_code == 302
    with app.app_context():
        row = db.session.scalar(
            sa.select(EventMeeting).where(
                EventMeeting.round == 1, EventMeeting.table_no == one.table_no
            )
        )
        assert row is not None
        assert row.locked
        version = db.session.get(Event, event_id).version  # type: ignore[union-attr]
    stale = client.post(f"/events/{event_id}/step/publish", data={"version": 1})
    assert stale.status_code == 302
    assert _event_row(app, event_id).state == "planned"
    published = client.post(
        f"/events/{event_id}/step/publish", data={"version": version}
    )
    assert published.status_code == 302
    assert _event_row(app, event_id).state == "published"
    assert repeated_ids(app, client, f"/events/{event_id}/plan") == []


def test_each_organisation_sees_only_its_own_schedule(app, client, world):
    event_id = _event(app, world, register=len(world["orgs"]), plan=True)
    as_user(app, client, world["members"][0])
    assert client.get(f"/events/{event_id}/schedule").status_code == 404  # not yet
    assert client.get(f"/events/{event_id}/programme").status_code == 404
    with app.app_context():
        from symbiosis.models import User

        events.step(db.session.get(User, world["facilitator"]), event_id, "publish")
        event = db.session.get(Event, event_id)
        mine = event_registrations.meetings_of(event, world["orgs"][0])  # type: ignore[arg-type]
        partners = {m.other(world["orgs"][0]).name for m in mine}
    page = client.get(f"/events/{event_id}/schedule")
    assert page.status_code == 200
    text = html.unescape(page.text)
    shown = {name for name in world["names"] if name in text}
    assert shown == partners | {world["names"][0]}
    assert "<caption>" in page.text
    other = client.get(f"/events/{event_id}/schedule?org={world['orgs'][1]}")
    assert other.status_code == 404
    assert client.get(f"/events/{event_id}/programme").status_code == 200
    printed = client.get(f"/events/{event_id}/print?org={world['orgs'][0]}")
    assert printed.status_code == 200
    assert "print.js" in printed.text
    assert (
        'name="viewport" content="width=device-width, initial-scale=1"' in printed.text
    )  # phones


def test_a_non_registered_member_sees_the_event_but_not_its_plan(app, client, world):
    event_id = _event(app, world, register=4, plan=True)
    with app.app_context():
        from symbiosis.models import User

        events.step(db.session.get(User, world["facilitator"]), event_id, "publish")
    as_user(app, client, world["members"][-1])
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200
    # no form to register any more, and the page says why
    assert "Les inscriptions sont closes" in page.text
    assert 'action="/events/' not in page.text
    as_user(app, client, world["members"][0])
    assert "Les inscriptions sont closes" not in client.get(f"/events/{event_id}").text
    as_user(app, client, world["members"][-1])
    assert client.get(f"/events/{event_id}/programme").status_code == 404
    assert client.get(f"/events/{event_id}/schedule").status_code == 404
    assert client.get(f"/events/{event_id}/print").status_code == 404
    as_user(app, client, world["facilitator"])
    assert client.get(f"/events/{event_id}/print").status_code == 200
    page = client.get(f"/events/{event_id}/schedule?org={world['orgs'][0]}")
    assert page.status_code == 200


def test_the_event_list_splits_upcoming_and_past(app, client, world):
    event_id = _event(app, world)
    with app.app_context():
        from symbiosis.models import User

        past = make_event(db.session.get(User, world["facilitator"]), date="2024-05-02")
        past_id = past.id
    as_user(app, client, world["members"][0])
    page = client.get("/events/").text
    assert page.index(f'/events/{event_id}"') < page.index(f'/events/{past_id}"')


def _textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no {name} field"
    return html.unescape(found.group(1)).strip()


def test_a_first_registration_starts_from_the_organisations_services(
    app: Flask, client, world: dict[str, Any]
) -> None:
    from symbiosis.models import Organisation, User
    from symbiosis.services.listings import apply_action
    from tests.builders import make_listing

    event_id = _event(app, world)
    with app.app_context():
        org = db.session.get(Organisation, world["orgs"][0])
        user = db.session.get(User, world["members"][0])
        service = {"resource": "service", "ewc_code": None, "unit": "hours"}
        make_listing(org=org, by=user, title="Mentorat RH", **service)
        make_listing(org=org, by=user, kind="request", title="Aide au site web",
                     **service)  # fmt: skip
        make_listing(org=org, by=user, title="Palettes en bois")  # no service
        closed = make_listing(org=org, by=user, title="Ancien service", **service)
        apply_action(user, closed, "close")
        db.session.commit()
    as_user(app, client, world["members"][0])
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert _textarea(page, "offers") == "Mentorat RH"
    assert _textarea(page, "seeks") == "Aide au site web"
    assert "Prérempli à partir des annonces de services" in page
    # once registered, the registration is shown as it was sent
    sent = client.post(
        f"/events/{event_id}/register",
        data={"organisation": world["orgs"][0], "offers": "Salle de réunion",
              "seeks": "Bénévoles", "sdgs": ["4"]},
    )  # fmt: skip
    assert sent.status_code == 302
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert _textarea(page, "offers") == "Salle de réunion"
    assert "Prérempli" not in page


def test_the_plan_page_of_an_open_event_says_what_comes_next(app, client, world):
    event_id = _event(app, world, register=2)
    as_user(app, client, world["facilitator"])
    shown = client.get(f"/events/{event_id}/plan", follow_redirects=True)
    assert shown.request.path == f"/events/{event_id}"
    assert "une fois les inscriptions terminées" in shown.text
    assert "ouvrez les inscriptions" not in shown.text


def test_the_plan_says_when_registrations_leave_tables_free(app, client, world):
    """Three firms and one non-profit, each meeting a firm and a non-profit:
    one table of three can be used; the plan page says so."""
    with app.app_context():
        from symbiosis.models import Organisation, User

        boss = db.session.get(User, world["facilitator"])
        assert boss is not None
        event = make_event(boss)
        chosen = [0, 1, 2, 6]  # firms first, then the non-profits
        orgs = [db.session.get(Organisation, world["orgs"][i]) for i in chosen]
        forms = [world["forms"][i] for i in chosen]
        register_all(event, boss, orgs, forms)  # type: ignore[arg-type]
        event_plans.plan(boss, event.id)
        event_id = event.id
    as_user(app, client, world["facilitator"])
    page = client.get(f"/events/{event_id}/plan").text
    assert (
        "Avec 3 entreprises et 1 association, chaque rencontre réunissant une "
        "entreprise et une association, au plus 1 des 3 tables peut servir"
    ) in page
    # the non-profit meets each firm once, each firm meets it once
    assert _summary_numbers(page)[-2:] == [1, 3]
    with app.app_context():
        boss = db.session.get(User, world["facilitator"])
        even = make_event(boss)
        chosen = [0, 1, 6, 7]  # two firms, two non-profits: two meetings each
        orgs = [db.session.get(Organisation, world["orgs"][i]) for i in chosen]
        register_all(even, boss, orgs, [world["forms"][i] for i in chosen])  # type: ignore[arg-type]
        event_plans.plan(boss, even.id)
        even_id = even.id
    page = client.get(f"/events/{even_id}/plan").text
    assert _summary_numbers(page)[-1:] == [2]  # every organisation has two


def _summary_numbers(page: str) -> list[int]:
    """The figures of the plan's summary: meetings, total score, then the
    fewest and most meetings of anyone (one figure when they are equal)."""
    found = re.search(r'<p id="plan-summary">(.*?)</p>', page, re.S)
    assert found, "no summary"
    return [int(n) for n in re.findall(r"\d+", found.group(1))]
