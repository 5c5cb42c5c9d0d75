"""Working-group pages: create, add members, record meetings and actions."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import GroupAction, GroupMeeting, User, WorkingGroup, Zone
from symbiosis.services import working_groups as service
from tests.builders import make_org, make_user, make_zone
from tests.conftest import as_user


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    """These tests read the English wording: switch the session's language."""
    with client.session_transaction() as session:
        session["lang"] = "en"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        zone, other = make_zone(name="Cloche d'Or (Luxembourg)"), make_zone()
        org_a = make_org(name="Imprimerie Offset", zone=zone)
        org_b = make_org(zone=zone)
        network = make_org(name="Network", kind="association")
        users = {
            "manager": make_user(org=network, manages=[zone], full_name="Manon M"),
            "ua": make_user(org=org_a, full_name="Anna Reding"),
            "ub": make_user(org=org_b, full_name="Bruno Weis"),
            "uc": make_user(org=make_org(zone=other), full_name="Carla C"),
            "facilitator": make_user(org=network, facilitator=True),
        }
        db.session.commit()
        return {"zone": zone.id, "other": other.id} | {
            k: u.id for k, u in users.items()
        }


@pytest.fixture
def group(app: Flask, world: dict[str, int]) -> int:
    """A group of the zone, run by its manager, with Anna in it."""
    with app.app_context():
        manager = db.session.get(User, world["manager"])
        created = service.create_group(
            manager, world["zone"], {"name": "Groupe mobilité"}
        )
        service.add_member(manager, created.id, {"user_id": world["ua"]})
        return created.id


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def error_next_to(html: str, field: str) -> str:
    """The message shown under ``field``, which points to it (aria-describedby)."""
    found = re.search(rf'id="{field}-error"[^>]*role="alert">(.*?)</div>', html, re.S)
    assert found, f"no error next to {field}"
    control = re.search(rf'<[^>]*id="{field}"[^>]*>', html)
    assert control is not None
    assert 'aria-invalid="true"' in control.group(0)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def count(app: Flask, model: type[Any]) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_the_manager_runs_a_group_from_start_to_follow_up(app, client, world, today):
    as_user(app, client, world["manager"])
    response = client.post(
        f"/zones/{world['zone']}/groups/",
        data={"name": "Groupe mobilité", "purpose": "Navettes et vélos"},
    )
    assert response.status_code == 302
    with app.app_context():
        group_id = db.session.scalar(sa.select(WorkingGroup.id))
    assert response.headers["Location"] == f"/groups/{group_id}#members"
    page = text(client.get(f"/zones/{world['zone']}/groups/"))
    assert "Groupe mobilité" in page

    for key in ("ua", "ub"):
        response = client.post(
            f"/groups/{group_id}/members", data={"user_id": world[key]}
        )
        assert response.status_code == 302
    response = client.post(
        f"/groups/{group_id}/meetings",
        data={
            "held_on": (today - timedelta(days=7)).isoformat(),
            "topic": "Lancement du groupe",
            "minutes": "Tour de table des navettes existantes.",
            "decisions": "Enquête auprès des salariés.",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        meeting_id = db.session.scalar(sa.select(GroupMeeting.id))
    response = client.post(
        f"/groups/{group_id}/actions",
        data={
            "title": "Préparer le questionnaire",
            "owner_id": world["ua"],
            "due_on": (today + timedelta(days=14)).isoformat(),
            "meeting_id": meeting_id,
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/groups/{group_id}"))
    for shown in (
        "Anna Reding",
        "Bruno Weis",
        "Imprimerie Offset",
        "Lancement du groupe",
        "Tour de table des navettes existantes.",
        "Enquête auprès des salariés.",
        "Préparer le questionnaire",
    ):
        assert shown in page

    # Anna, a member, marks her action done.
    with app.app_context():
        action_id = db.session.scalar(sa.select(GroupAction.id))
    as_user(app, client, world["ua"])
    response = client.post(f"/groups/{group_id}/actions/{action_id}/done")
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get(GroupAction, action_id)
        assert action.state == "done"
        assert action.done_at is not None
    assert "Done actions" in text(client.get(f"/groups/{group_id}"))


def test_people_of_other_zones_get_404(app, client, world, group, today):
    as_user(app, client, world["uc"])
    assert client.get(f"/groups/{group}").status_code == 404
    assert client.get(f"/zones/{world['zone']}/groups/").status_code == 404
    response = client.post(
        f"/groups/{group}/meetings", data={"held_on": today, "topic": "x"}
    )
    assert response.status_code == 404
    assert client.post(f"/groups/{group}/actions", data={}).status_code == 404
    assert client.get("/groups/999999").status_code == 404
    assert count(app, GroupMeeting) == 0


def test_a_zone_manager_of_another_zone_gets_404(app, client, world, group):
    with app.app_context():
        other_manager = make_user(manages=[db.session.get(Zone, world["other"])])
        db.session.commit()
        other_id = other_manager.id
    as_user(app, client, other_id)
    assert client.get(f"/groups/{group}").status_code == 404
    response = client.post(f"/groups/{group}/members", data={"user_id": other_id})
    assert response.status_code == 404
    assert client.post(f"/zones/{world['zone']}/groups/", data={}).status_code == 404


def test_a_member_sees_and_works_but_does_not_choose_members(app, client, world, group):
    as_user(app, client, world["ua"])
    page = text(client.get(f"/groups/{group}"))
    assert "Record a meeting" in page
    assert "Add a member" not in page
    assert (
        client.post(
            f"/groups/{group}/members", data={"user_id": world["ub"]}
        ).status_code
        == 403
    )
    assert client.post(f"/groups/{group}/archive").status_code == 403
    assert client.post(f"/zones/{world['zone']}/groups/", data={}).status_code == 403
    # Bruno, of the zone but not in the group, does not see it.
    as_user(app, client, world["ub"])
    assert client.get(f"/groups/{group}").status_code == 404
    assert "Groupe mobilité" not in text(client.get(f"/zones/{world['zone']}/groups/"))


def test_bad_meeting_is_refused_with_errors_next_to_fields(
    app, client, world, group, today
):
    as_user(app, client, world["ua"])
    response = client.post(
        f"/groups/{group}/meetings",
        data={"held_on": (today - timedelta(days=8 * 365)).isoformat(), "topic": ""},
    )
    assert response.status_code == 422
    html = text(response)
    assert "five years" in error_next_to(html, "held_on")
    assert error_next_to(html, "topic")
    assert '<details class="mb-3" open>' in html
    assert count(app, GroupMeeting) == 0


def test_bad_action_is_refused_with_errors_next_to_fields(app, client, world, group):
    as_user(app, client, world["manager"])
    response = client.post(
        f"/groups/{group}/actions",
        data={"title": "", "owner_id": world["ub"], "due_on": ""},
    )
    assert response.status_code == 422
    html = text(response)
    for name in ("title", "owner_id", "due_on"):
        assert error_next_to(html, name)
    assert count(app, GroupAction) == 0


def test_bad_group_and_member_are_refused_with_errors(app, client, world, group):
    as_user(app, client, world["manager"])
    response = client.post(
        f"/zones/{world['zone']}/groups/", data={"name": "groupe MOBILITÉ"}
    )
    assert response.status_code == 422
    assert "already has a group" in error_next_to(text(response), "name")
    response = client.post(f"/groups/{group}/members", data={"user_id": world["uc"]})
    assert response.status_code == 422
    assert error_next_to(text(response), "user_id")
    assert count(app, WorkingGroup) == 1


def test_overdue_actions_are_flagged(app, client, world, group, today):
    with app.app_context():
        manager = db.session.get(User, world["manager"])
        service.add_action(
            manager,
            group,
            {
                "title": "Relancer",
                "owner_id": world["ua"],
                "due_on": today - timedelta(2),
            },
        )
    as_user(app, client, world["ua"])
    page = text(client.get(f"/groups/{group}"))
    assert "1 overdue" in page
    assert 'class="badge text-bg-danger">overdue' in page
    listing = text(client.get(f"/zones/{world['zone']}/groups/"))
    assert "1 overdue" in listing


def test_an_archived_group_reads_but_takes_nothing_new(
    app, client, world, group, today
):
    as_user(app, client, world["manager"])
    assert client.post(f"/groups/{group}/archive").status_code == 302
    as_user(app, client, world["ua"])
    page = text(client.get(f"/groups/{group}"))
    assert "archived" in page
    assert "Record a meeting" not in page
    response = client.post(
        f"/groups/{group}/meetings", data={"held_on": today, "topic": "x"}
    )
    assert response.status_code == 302
    assert count(app, GroupMeeting) == 0
    as_user(app, client, world["facilitator"])
    assert client.post(f"/groups/{group}/restore").status_code == 302


def test_the_zone_page_and_the_menu_lead_to_ones_groups(app, client, world, group):
    as_user(app, client, world["ua"])
    zone_page = text(client.get(f"/zones/{world['zone']}"))
    assert f'href="/groups/{group}"' in zone_page
    assert 'href="/groups/"' in zone_page  # the menu
    assert "Groupe mobilité" in text(client.get("/groups/"))
    as_user(app, client, world["uc"])
    zone_page = text(client.get(f"/zones/{world['zone']}"))
    assert "Groupe mobilité" not in zone_page
    assert f"/zones/{world['zone']}/groups/" not in zone_page


def test_removing_a_member(app, client, world, group):
    as_user(app, client, world["manager"])
    response = client.post(f"/groups/{group}/members/{world['ua']}/remove")
    assert response.status_code == 302
    as_user(app, client, world["ua"])
    assert client.get(f"/groups/{group}").status_code == 404


def test_a_manager_in_their_own_zone_finds_its_groups_linked_once(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    with app.app_context():
        manager = db.session.get(User, world["manager"])
        assert manager is not None
        zone = db.session.get(Zone, world["zone"])
        assert manager.organisation is not None
        manager.organisation.zone = zone  # the network sits in the zone it runs
        db.session.commit()
    as_user(app, client, world["manager"])
    page = text(client.get("/groups/"))
    assert page.count(f'href="/zones/{world["zone"]}/groups/"') == 1
