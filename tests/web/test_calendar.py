"""Calendars: one's private address for agenda programs, and one event's file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Event, EventRegistration, User
from symbiosis.services import (
    account_closure,
    accounts,
    agreements,
    calendar_feed,
    signed_links,
)
from symbiosis.services import working_groups as groups
from tests.builders import (
    PASSWORD,
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user
from tests.event_builders import make_planned_event

SITE = "https://symbiose.example.lu"  # the public address, as behind a proxy


@pytest.fixture(autouse=True)
def public_address(app: Flask) -> None:
    app.config["BASE_URL"] = SITE + "/"


@pytest.fixture
def world(app: Flask, today: date) -> dict[str, Any]:
    """A firm and a club registered for a published evening; another event
    without them; a draft; an evening long past; a working group of the
    zone with a meeting and actions."""
    with app.app_context():
        zone = make_zone()
        firm = make_org(name="Imprimerie Offset", zone=zone)
        club = make_org(name="Cyclo-Atelier", kind="association", zone=zone)
        outsider = make_org(zone=zone)
        facilitator = make_user(org=make_org(kind="association"), facilitator=True)
        member = make_user(org=firm, full_name="Anna Reding")
        german = make_user(org=firm, locale="de", full_name="Jonas Weber")
        other = make_user(org=outsider, full_name="Olga Other")
        manager = make_user(org=club, manages=[zone])

        published = make_planned_event(facilitator, [firm, club])
        published.state = "published"
        published.title = "Soirée du Kirchberg"
        elsewhere = make_planned_event(facilitator, [outsider, club])
        elsewhere.title = "Soirée sans Offset"
        draft = Event(
            title="Brouillon", place="Esch", tables=2, rounds=2, minutes_per_round=10,
            pairs="any", state="draft", created_by=facilitator,
            starts_at=datetime(2030, 5, 1, 17, 0, tzinfo=UTC), themes=[],
        )  # fmt: skip
        long_ago = Event(
            title="Il y a longtemps", place="Esch", tables=2, rounds=2,
            minutes_per_round=10, pairs="any", state="held", created_by=facilitator,
            starts_at=datetime.combine(today - timedelta(days=200), datetime.min.time(), UTC),
            themes=[], registrations=[EventRegistration(organisation=firm)],
        )  # fmt: skip
        db.session.add_all([draft, long_ago])
        db.session.commit()

        group = groups.create_group(manager, zone.id, {"name": "Groupe mobilité"})
        groups.add_member(manager, group.id, {"user_id": member.id})
        groups.add_member(manager, group.id, {"user_id": german.id})
        meeting = groups.record_meeting(
            member,
            group.id,
            {"held_on": (today + timedelta(days=7)).isoformat(), "topic": "Covoiturage",
             "decisions": "Lancer un sondage."},
        )  # fmt: skip
        owed = groups.add_action(
            manager,
            group.id,
            {"title": "Envoyer le sondage", "owner_id": str(member.id),
             "due_on": (today + timedelta(days=10)).isoformat()},
        )  # fmt: skip
        done = groups.add_action(
            manager,
            group.id,
            {"title": "Réserver la salle", "owner_id": str(member.id),
             "due_on": (today + timedelta(days=3)).isoformat()},
        )  # fmt: skip
        groups.set_action_state(member, group.id, done.id, "done")
        return {
            "member": member.id, "german": german.id, "other": other.id,
            "facilitator": facilitator.id, "published": published.id,
            "elsewhere": elsewhere.id, "draft": draft.id, "long_ago": long_ago.id,
            "meeting": meeting.id, "owed": owed.id, "done": done.id,
        }  # fmt: skip


def turn_on(app: Flask, user_id: int) -> str:
    """The path of the user's calendar, turned on through the service."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return f"/calendar/{calendar_feed.renew(user)}.ics"


def read(response: Any) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def by_uid(found: icalendar.Calendar) -> dict[str, Any]:
    return {str(e["uid"]).split("@")[0]: e for e in found.walk("VEVENT")}


def test_the_account_page_turns_the_address_on_renews_it_and_turns_it_off(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    page = client.get("/account/").get_data(as_text=True)
    assert 'id="account-calendar"' in page
    assert 'id="calendar-url"' not in page

    response = client.post("/account/calendar/new", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    first = page.split('id="calendar-url" type="text" value="')[1].split('"')[0]
    assert first.startswith(f"{SITE}/calendar/")
    assert first.endswith(".ics")
    assert read(client.get(first.removeprefix(SITE)))

    page = client.post("/account/calendar/new", follow_redirects=True).get_data(
        as_text=True
    )
    second = page.split('id="calendar-url" type="text" value="')[1].split('"')[0]
    assert second != first
    assert client.get(first.removeprefix(SITE)).status_code == 404
    assert client.get(second.removeprefix(SITE)).status_code == 200

    client.post("/account/calendar/off")
    assert client.get(second.removeprefix(SITE)).status_code == 404
    with app.app_context():
        user = db.session.get(User, world["member"])
        assert user is not None
        assert user.calendar_key is None
    assert 'id="calendar-url"' not in client.get("/account/").get_data(as_text=True)


def test_the_address_needs_a_valid_form_and_a_known_action(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    assert client.post("/account/calendar/share").status_code == 404
    # the form's address, opened as a page, leads to the page the form is on
    opened = client.get("/account/calendar/new")
    assert (opened.status_code, opened.location) == (303, "/account/")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/calendar/new").status_code == 400
    with app.app_context():
        user = db.session.get(User, world["member"])
        assert user is not None
        assert user.calendar_key is None


def test_a_new_password_leaves_the_address_working_closing_the_account_not(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    """Agenda programs cannot sign in again: only a new address, or the
    account's end, stops one."""
    path = turn_on(app, world["member"])
    with app.app_context():
        user = db.session.get(User, world["member"])
        assert user is not None
        accounts.change_password(user, current=PASSWORD, new="a brand new passphrase")
    assert client.get(path).status_code == 200
    with app.app_context():
        user = db.session.get(User, world["member"])
        assert user is not None
        account_closure.close(user, "a brand new passphrase")
    assert client.get(path).status_code == 404  # the account is gone


def test_forged_foreign_and_closed_addresses_find_nothing(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    path = turn_on(app, world["member"])
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert client.get(path).status_code == 200
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/calendar/nothing.ics").status_code == 404
    with app.test_request_context():
        user = db.session.get(User, world["member"])
        assert user is not None
        # The same values signed for another purpose open nothing.
        other = signed_links.sign("reset", str(user.id), user.calendar_key or "")
        user.active = False
        db.session.commit()
    assert client.get(f"/calendar/{other}.ics").status_code == 404
    assert client.get(path).status_code == 404  # a closed account


def test_the_calendar_holds_ones_events_meetings_and_open_actions(
    app: Flask, client: FlaskClient, world: dict[str, Any], today: date
) -> None:
    response = client.get(turn_on(app, world["member"]))
    assert "Set-Cookie" not in response.headers
    assert "no-cache" in response.headers["Cache-Control"]
    found = read(response)
    assert str(found["x-wr-calname"]) == "Symbiosis : Anna Reding"
    entries = by_uid(found)
    assert set(entries) == {
        f"event-{world['published']}",
        f"group-meeting-{world['meeting']}",
        f"group-action-{world['owed']}",
    }

    evening = entries[f"event-{world['published']}"]
    assert str(evening["summary"]) == "Soirée du Kirchberg"
    assert evening.decoded("dtstart") == datetime(2030, 3, 12, 17, 30, tzinfo=UTC)
    assert evening.decoded("dtend") == datetime(2030, 3, 12, 17, 50, tzinfo=UTC)
    assert str(evening["location"]) == "Kirchberg"
    text = str(evening["description"])
    # The firm's own meetings, in Luxembourg's time: 18:30 in March.
    assert "Tour 1, 18:30–18:40 : table 1, avec Cyclo-Atelier." in text
    assert "Tour 2, 18:40–18:50 : pause." in text
    assert text.endswith(f"{SITE}/events/{world['published']}")

    meeting = entries[f"group-meeting-{world['meeting']}"]
    assert meeting.decoded("dtstart") == today + timedelta(days=7)
    assert meeting.decoded("dtend") == today + timedelta(days=8)
    assert str(meeting["summary"]) == "Groupe mobilité : Covoiturage"
    assert "Lancer un sondage." in str(meeting["description"])
    action = entries[f"group-action-{world['owed']}"]
    assert str(action["summary"]) == "À faire : Envoyer le sondage"
    assert action.decoded("dtstart") == today + timedelta(days=10)


def test_each_person_sees_their_own_calendar_in_their_language(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    other = by_uid(read(client.get(turn_on(app, world["other"]))))
    assert set(other) == {f"event-{world['elsewhere']}"}  # planned: no rounds yet
    assert "Tour" not in str(other[f"event-{world['elsewhere']}"]["description"])

    german = by_uid(read(client.get(turn_on(app, world["german"]))))
    assert str(german[f"group-meeting-{world['meeting']}"]["summary"]).startswith(
        "Groupe mobilité: "
    )
    assert "Runde 1" in str(german[f"event-{world['published']}"]["description"])
    assert f"group-action-{world['owed']}" not in german  # Anna owes it

    # The facilitator runs every event, drafts included, but the long past.
    everything = by_uid(read(client.get(turn_on(app, world["facilitator"]))))
    assert set(everything) == {
        f"event-{world['published']}",
        f"event-{world['elsewhere']}",
        f"event-{world['draft']}",
    }


def test_an_entry_keeps_its_uid_and_counts_its_changes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    path = turn_on(app, world["member"])
    key = f"event-{world['published']}"
    before = by_uid(read(client.get(path)))[key]
    with app.app_context():
        event = db.session.get(Event, world["published"])
        assert event is not None
        event.place = "Luxexpo"  # any change counts (the version column)
        db.session.commit()
    after = by_uid(read(client.get(path)))[key]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert str(after["location"]) == "Luxexpo"


def test_an_event_downloads_as_a_file_for_those_who_see_it(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    page = client.get(f"/events/{world['published']}").get_data(as_text=True)
    assert f'href="/events/{world["published"]}/calendar.ics" download' in page
    response = client.get(f"/events/{world['published']}/calendar.ics")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    found = read(response)
    assert "refresh-interval" not in found  # a file to import, not to follow
    (evening,) = found.walk("VEVENT")
    assert str(evening["uid"]) == f"event-{world['published']}@symbiose.example.lu"
    assert "Tour 1, 18:30–18:40 : table 1, avec Cyclo-Atelier." in str(
        evening["description"]
    )
    assert client.get(f"/events/{world['draft']}/calendar.ics").status_code == 404
    assert client.get("/events/999999/calendar.ics").status_code == 404


def test_the_data_copy_says_whether_the_address_is_on(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    assert (
        client.get("/account/data.json").get_json()["account"]["calendar_address_on"]
        is False
    )
    turn_on(app, world["member"])
    assert (
        client.get("/account/data.json").get_json()["account"]["calendar_address_on"]
        is True
    )


def test_agreements_give_the_day_to_answer_and_the_days_agreed(
    app: Flask, client: FlaskClient, today: date
) -> None:
    with app.app_context():
        make_reference()
        ours, theirs = make_org(name="Imprimerie Offset"), make_org(name="Menuiserie")
        anna, bruno = make_user(org=ours), make_user(org=theirs)
        pallets = make_listing(org=ours, by=anna, title="Palettes EUR")
        wanted = [
            make_listing(org=theirs, by=bruno, kind="request", title=f"Palettes {n}")
            for n in range(3)
        ]
        # Theirs proposes: ours must answer. Ours proposes: theirs must.
        asked = agreements.propose(bruno, pallets.id, wanted[0].id, agreement_terms())
        waiting = agreements.propose(anna, pallets.id, wanted[1].id, agreement_terms())
        end = today + timedelta(days=60)
        agreed = agreements.propose(
            bruno,
            pallets.id,
            wanted[2].id,
            {**agreement_terms(), "end": end.isoformat()},
        )
        agreements.act(anna, agreed.id, "accept", agreed.version)
        ids = {"anna": anna.id, "bruno": bruno.id}
        asked_id, waiting_id, agreed_id = asked.id, waiting.id, agreed.id
        last_day = asked.expires_on

    ours_found = by_uid(read(client.get(turn_on(app, ids["anna"]))))
    assert set(ours_found) == {
        f"agreement-answer-{asked_id}",
        f"agreement-start-{agreed_id}",
        f"agreement-end-{agreed_id}",
    }
    answer = ours_found[f"agreement-answer-{asked_id}"]
    assert str(answer["summary"]) == "Répondre à la proposition « Palettes 0 »"
    assert answer.decoded("dtstart") == last_day
    assert ours_found[f"agreement-start-{agreed_id}"].decoded("dtstart") == today
    assert ours_found[f"agreement-end-{agreed_id}"].decoded("dtstart") == end
    assert str(answer["description"]).endswith(f"/agreements/{asked_id}")

    theirs_found = by_uid(read(client.get(turn_on(app, ids["bruno"]))))
    assert f"agreement-answer-{waiting_id}" in theirs_found
    assert f"agreement-answer-{asked_id}" not in theirs_found  # they proposed it


def test_the_events_and_groups_pages_lead_to_the_calendar_address(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    as_user(app, client, world["member"])
    for path in ("/events/", "/groups/"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/account/#account-calendar"' in page, path


def test_the_calendar_reads_the_same_statements_however_many_registered(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    """A facilitator's calendar holds every evening with its participants'
    names: they come with the events, not one statement per organisation."""
    from tests.bench.load_profile import statements_run

    path = turn_on(app, world["member"])

    def statements() -> int:
        with statements_run(app) as run:
            read(client.get(path))
        return len(run)

    before = statements()
    with app.app_context():
        event = db.session.get(Event, world["published"])
        assert event is not None
        event.registrations += [
            EventRegistration(organisation=make_org()) for _ in range(4)
        ]
        db.session.commit()
    assert statements() == before
