"""In a real browser: a matchmaking evening from creation to each one's schedule.

The facilitator creates the event and opens registration; nine organisations
register through the service, a tenth through the page; the facilitator
plans, locks a meeting, plans again, moves one, publishes; on the evening,
marks it held and records partnerships; a participant reads its schedule.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from symbiosis.extensions import db
from symbiosis.models import Event, Organisation, User
from symbiosis.models.base import utcnow
from symbiosis.services import event_registrations
from tests.browser.test_agreements import sign_in
from tests.builders import make_org, make_reference, make_user, make_zone
from tests.event_builders import make_people

pytestmark = pytest.mark.browser


@pytest.fixture
def people(app: Flask) -> dict[str, object]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Kirchberg (Luxembourg)")
        orgs, members, forms = make_people(firms=6, clubs=4, zone=zone)
        network = make_org(name="Réseau RSE", kind="association")
        facilitator = make_user(email="animation@reseau.example.lu", org=network,
                                facilitator=True)  # fmt: skip
        db.session.commit()
        return {
            "zone": zone.id,
            "orgs": [o.id for o in orgs],
            "forms": forms,
            "members": [m.email for m in members],
            "facilitator": facilitator.email,
        }


def test_create_register_plan_publish_and_read_a_schedule(
    app: Flask, people: dict[str, object], page: Page
) -> None:
    orgs: list[int] = people["orgs"]  # type: ignore[assignment]
    forms: list[dict[str, str]] = people["forms"]  # type: ignore[assignment]
    members: list[str] = people["members"]  # type: ignore[assignment]

    sign_in(page, str(people["facilitator"]))
    page.goto("/events/new")
    page.locator("#title").fill("Soirée entreprises et associations")
    page.locator("#date").fill("2030-03-12")
    page.locator("#time").fill("18:30")
    page.locator("#place").fill("Chambre de Commerce, Kirchberg")
    page.locator("#zone_id").select_option(str(people["zone"]))
    page.locator("#themes").fill("Sport, Éducation, Inclusion")
    page.locator("#tables").fill("4")
    page.locator("#rounds").fill("5")
    page.locator("#minutes_per_round").fill("10")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/events/\d+$"))
    event_url = page.url
    event_id = int(event_url.rsplit("/", 1)[1])
    page.locator("form[action$='/step/open'] button").click()
    expect(page.locator(".event-state")).to_have_class(re.compile("state-open"))

    with app.app_context():  # nine organisations register through the service
        boss = db.session.scalar(sa_user(str(people["facilitator"])))
        for org_id, form in list(zip(orgs, forms, strict=True))[1:]:
            event_registrations.register(boss, event_id, org_id, form)

    sign_in(page, members[0])  # the tenth through the page
    page.goto(event_url)
    page.locator("#offers").fill("Journées de bénévolat\nSalle de réunion")
    page.locator("#seeks").fill("Projets éducatifs à soutenir")
    page.locator("input[name=sdgs][value='4']").check()
    page.locator("input[name=themes][value='Éducation']").check()
    page.locator("form[action*='/register#'] button[type=submit]").click()
    expect(page.locator("#registrations")).to_contain_text("Banque du Plateau")
    expect(page.locator("#registrations-title")).to_contain_text("10")

    sign_in(page, str(people["facilitator"]))
    page.goto(event_url)
    page.locator("form[action$='/plan'] button").click()
    page.wait_for_url(re.compile(r".*/events/\d+/plan$"))
    expect(page.locator("#round-1 caption")).to_be_visible()
    expect(page.locator("#round-5 tbody tr")).to_have_count(4)
    page.locator("#round-2 form[action$='/lock'] button").first.click()
    expect(page.locator("#round-2 tr.table-info")).to_have_count(1)
    # the page opens at the round changed, and says so there
    expect(page.locator("#round-2 #plan-done")).to_be_in_viewport()
    expect(page.locator("#locked-legend .badge")).to_be_visible()
    locked = page.locator("#round-2 tr.table-info").text_content() or ""
    page.locator("form[action$='/plan'] button").click()
    expect(page.locator("#round-2 tr.table-info")).to_have_text(locked)
    # a meeting moved to another table of its round: the same feedback
    page.locator("#move-round").select_option("3")
    page.locator("#move-table").select_option("1")
    page.locator("#move-to_round").select_option("3")
    page.locator("#move-to_table").select_option("2")
    page.locator("#move button[type=submit]").click()
    expect(page.locator("#round-3 #plan-done")).to_be_in_viewport()
    page.screenshot(path="tests/browser/artifacts/events-plan.png", full_page=True)
    page.locator("form[action$='/step/publish'] button").click()
    expect(page.locator(".event-state").first).to_have_class(
        re.compile("state-published")
    )
    # held only on its day: no button before it, a word on when instead
    expect(page.locator("form[action$='/step/hold']")).to_have_count(0)
    expect(page.locator(".step-waiting")).to_be_visible()

    with app.app_context():  # the evening comes: it began an hour ago
        evening = db.session.get(Event, event_id)
        assert evening is not None
        evening.starts_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page.goto(event_url)
    # now it can be marked held, once the warning is read and confirmed
    hold = page.locator("#confirm-hold")
    expect(hold.locator("#hold-help")).to_be_hidden()
    hold.locator("summary").click()
    expect(hold.locator("#hold-help")).to_be_visible()
    hold.locator("button[type=submit]").click()
    expect(page.locator(".event-state").first).to_have_class(re.compile("state-held"))

    # Two partnerships signed during the evening, recorded in a few clicks.
    page.goto(event_url)
    page.get_by_role("link", name="Partenariats signés lors de cet événement").click()
    for giver, taker, what, how_much, unit in (
        (orgs[0], orgs[6], "Journées de bénévolat", "40", "hours"),
        (orgs[7], orgs[1], "Atelier de réparation de vélos", "1", "pieces"),
    ):
        page.locator("#giver").select_option(str(giver))
        page.locator("#taker").select_option(str(taker))
        page.get_by_label("Ce qui est donné").fill(what)
        page.get_by_label("Combien").fill(how_much)
        page.locator("#unit").select_option(unit)
        page.get_by_role("button", name="Enregistrer le partenariat").click()
        expect(page.get_by_role("status")).to_contain_text(what)
    expect(page.get_by_role("heading", name="2 partenariats signés")).to_be_visible()
    page.screenshot(
        path="tests/browser/artifacts/events-partnerships.png", full_page=True
    )

    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event is not None
        mine = event_registrations.meetings_of(event, orgs[0])
        partners = sorted(m.other(orgs[0]).name for m in mine)
        first = db.session.get(Organisation, orgs[0])
        assert first is not None
        own_name = first.name
    assert len(partners) >= 3  # 20 seats for 6 firms: 3 or 4 meetings each

    sign_in(page, members[0])
    page.goto(event_url)
    page.locator(f"a[href$='/events/{event_id}/schedule']").click()
    schedule = page.locator("table.event-schedule")
    expect(schedule.locator("caption")).to_contain_text(own_name)
    expect(schedule.locator("tbody tr")).to_have_count(5)
    for name in partners:
        expect(schedule).to_contain_text(name)
    page.screenshot(path="tests/browser/artifacts/events-schedule.png", full_page=True)
    # on a phone, each round a card: why they meet is on the screen
    page.set_viewport_size({"width": 390, "height": 800})
    expect(schedule).to_have_class(re.compile(r"\bis-stacked\b"))
    why = schedule.locator("td[data-label]").last
    box = why.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("a[href*='/print?org=']").click()
    expect(page.locator("#print-button")).to_be_visible()
    expect(page.locator("table")).to_contain_text(partners[0])
    page.screenshot(path="tests/browser/artifacts/events-print.png", full_page=True)


def sa_user(email: str):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    return sa.select(User).where(User.email == email)
