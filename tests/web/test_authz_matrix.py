"""Every URL rule × every role gets the status this table expects.

A new route fails ``test_every_route_is_in_the_matrix`` until its row is added
here, so no route can ship without a declared, tested rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, url_for

from symbiosis.authz import Perm, declared_permission, requires
from tests.builders import (
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
    make_zone_request,
)
from tests.conftest import login

ROLES = ["anonymous", "member", "org_admin", "zone_manager", "facilitator"]
LOGIN = "login"  # a redirect to the sign-in page

# (endpoint, method) -> expected status per role, in the order of ROLES.
MATRIX: dict[tuple[str, str], tuple[object, ...]] = {
    ("static", "GET"): (200, 200, 200, 200, 200),
    ("main.index", "GET"): (200, 200, 200, 200, 200),
    ("main.set_language", "POST"): (302, 302, 302, 302, 302),
    # The API's OpenAPI description and its browsable page: public.
    ("api_docs.openapi", "GET"): (200, 200, 200, 200, 200),
    ("api_docs.docs", "GET"): (200, 200, 200, 200, 200),
    # Probes (web/health.py): open to everyone, no session needed.
    ("health.healthz", "GET"): (200, 200, 200, 200, 200),
    ("health.readyz", "GET"): (200, 200, 200, 200, 200),
    ("auth.login", "GET"): (200, 302, 302, 302, 302),
    ("auth.login", "POST"): (400, 302, 302, 302, 302),
    ("auth.logout", "POST"): (LOGIN, 302, 302, 302, 302),
    ("auth.register", "GET"): (200, 302, 302, 302, 302),
    ("auth.register", "POST"): (400, 302, 302, 302, 302),
    ("auth.forgot_password", "GET"): (200, 302, 302, 302, 302),
    ("auth.forgot_password", "POST"): (400, 302, 302, 302, 302),
    # a link whose token is no good: the same page for everyone
    ("auth.reset_password", "GET"): (400, 400, 400, 400, 400),
    ("auth.reset_password", "POST"): (400, 400, 400, 400, 400),
    ("account.profile", "GET"): (LOGIN, 200, 200, 200, 200),
    ("account.profile_submit", "POST"): (LOGIN, 302, 302, 302, 302),
    ("account.password_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("account.join_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("account.data_export", "GET"): (LOGIN, 200, 200, 200, 200),
    ("account.close_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("account.email_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("account.leave_submit", "POST"): (LOGIN, 302, 302, 302, 302),
    ("account.calendar_submit", "POST"): (LOGIN, 302, 302, 302, 302),
    # The private calendar: the token says whose it is; a forged one finds none.
    ("calendar.feed", "GET"): (404, 404, 404, 404, 404),
    ("invitations.accept", "GET"): (400, 400, 400, 400, 400),
    ("invitations.accept", "POST"): (400, 400, 400, 400, 400),
    # a link whose token is no good: the same page for everyone
    ("account.email_confirm", "GET"): (400, 400, 400, 400, 400),
    ("account.email_confirm", "POST"): (400, 400, 400, 400, 400),
    ("orgs.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("orgs.detail", "GET"): (LOGIN, 200, 200, 200, 200),
    ("orgs.edit", "GET"): (LOGIN, 403, 200, 403, 200),
    ("orgs.edit_submit", "POST"): (LOGIN, 403, 302, 403, 302),
    ("orgs.zone_request_submit", "POST"): (LOGIN, 403, 302, 403, 302),
    ("orgs.members", "GET"): (LOGIN, 403, 200, 403, 403),
    ("orgs.member_action_submit", "POST"): (LOGIN, 403, 302, 403, 403),
    ("orgs.invite_submit", "POST"): (LOGIN, 403, 400, 403, 403),
    ("orgs.invitation_action_submit", "POST"): (LOGIN, 403, 302, 403, 403),
    ("zones.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("zones.detail", "GET"): (LOGIN, 200, 200, 200, 200),
    ("zones.location_submit", "POST"): (LOGIN, 403, 403, 400, 400),
    ("zones.requests", "GET"): (LOGIN, 403, 403, 200, 200),
    ("zones.decide_submit", "POST"): (LOGIN, 403, 403, 400, 400),
    # Diagnostic of zone 1: its manager and the facilitator only.
    ("zones.diagnostic", "GET"): (LOGIN, 403, 403, 200, 200),
    ("zones.diagnostic_csv", "GET"): (LOGIN, 403, 403, 200, 200),
    ("api_v1.zone_diagnostic", "GET"): (401, 403, 403, 200, 200),
    # Events over JSON: every signed-in user; the world's event is planned,
    # so registration is closed (409); the matrix posts form data, not JSON.
    ("api_v1.events_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.events_detail", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.events_register", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.events_unregister", "DELETE"): (401, 409, 409, 409, 409),
    # Statistics of zone 1 (?zone=): its manager and the facilitator only.
    ("api_v1.stats_view", "GET"): (401, 403, 403, 200, 200),
    ("admin.users", "GET"): (LOGIN, 403, 403, 403, 200),
    ("admin.zones", "GET"): (LOGIN, 403, 403, 403, 200),
    ("admin.manager_submit", "POST"): (LOGIN, 403, 403, 403, 302),
    ("main.notifications", "GET"): (LOGIN, 200, 200, 200, 200),
    ("main.notifications_read", "POST"): (LOGIN, 302, 302, 302, 302),
    # Notification 999999 is nobody's: not found for everyone signed in.
    ("main.notification_open", "GET"): (LOGIN, 404, 404, 404, 404),
    ("account.token_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("account.token_revoke_submit", "POST"): (LOGIN, 404, 404, 404, 404),
    # Listings: the world's listing belongs to firm A (member, org_admin).
    ("listings.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.map_view", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.map_data", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.mine", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.new", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.new_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("listings.detail", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.edit", "GET"): (LOGIN, 200, 200, 404, 200),
    ("listings.edit_submit", "POST"): (LOGIN, 302, 302, 404, 302),
    ("listings.action_submit", "POST"): (LOGIN, 302, 302, 404, 302),
    ("listings.import_page", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.import_submit", "POST"): (LOGIN, 400, 400, 400, 400),
    ("listings.template", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.places", "GET"): (LOGIN, 200, 200, 200, 200),
    ("listings.export", "GET"): (LOGIN, 200, 200, 200, 200),
    # JSON API: 401 without credentials, never a redirect.
    ("api_v1.zones", "GET"): (200, 200, 200, 200, 200),
    ("api_v1.token", "POST"): (400, 400, 400, 400, 400),
    ("api_v1.me", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.notifications_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.notification_read", "POST"): (401, 404, 404, 404, 404),
    ("api_v1.notifications_read_all", "POST"): (401, 200, 200, 200, 200),
    ("api_v1.saved_searches_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.saved_searches_create", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.saved_searches_delete", "DELETE"): (401, 404, 404, 404, 404),
    ("api_v1.listings_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.listings_create", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.listings_detail", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.listings_update", "PATCH"): (401, 400, 400, 404, 400),
    ("api_v1.listings_delete", "DELETE"): (401, 409, 409, 404, 409),
    ("api_v1.listings_import", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.reference_ewc", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.listing_matches", "GET"): (401, 200, 200, 404, 200),
    ("api_v1.dismiss", "POST"): (401, 200, 200, 404, 200),
    ("api_v1.restore", "POST"): (401, 200, 200, 404, 200),
    ("matches.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("matches.dismiss_submit", "POST"): (LOGIN, 302, 302, 404, 302),
    ("matches.restore_submit", "POST"): (LOGIN, 302, 302, 404, 302),
    ("matches.dismissed", "GET"): (LOGIN, 200, 200, 200, 200),
    # Agreements: firm B proposed to firm A (member, org_admin); the zone
    # manager's and the facilitator's organisation is not a party.
    ("agreements.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("agreements.new", "GET"): (LOGIN, 200, 200, 200, 200),
    ("agreements.new", "POST"): (LOGIN, 422, 422, 422, 422),
    ("agreements.detail", "GET"): (LOGIN, 200, 200, 404, 200),
    ("agreements.act", "POST"): (LOGIN, 302, 302, 404, 403),
    ("agreements.counter", "GET"): (LOGIN, 200, 200, 404, 403),
    ("agreements.counter", "POST"): (LOGIN, 422, 422, 404, 403),
    ("agreements.checklist", "POST"): (LOGIN, 302, 302, 404, 403),
    ("agreements.deliveries", "POST"): (LOGIN, 422, 422, 404, 403),
    # no such delivery on the parties' agreement; others do not reach it
    ("agreement_deliveries.withdraw", "POST"): (LOGIN, 404, 404, 404, 403),
    ("agreements.messages", "POST"): (LOGIN, 422, 422, 404, 403),
    ("agreements.printable", "GET"): (LOGIN, 200, 200, 404, 200),
    ("api_v1.agreements_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.agreements_create", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.agreements_detail", "GET"): (401, 200, 200, 404, 200),
    ("api_v1.agreements_act", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.agreements_deliver", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.agreements_withdraw_delivery", "DELETE"): (401, 404, 404, 404, 404),
    ("api_v1.agreements_messages", "GET"): (401, 200, 200, 404, 200),
    ("api_v1.agreements_message_create", "POST"): (401, 400, 400, 400, 400),
    # Pooled services: one open service in zone 1, where firm A is; the zone
    # manager runs it; the facilitator decides too but belongs to no firm there.
    ("monitoring.dashboard", "GET"): (LOGIN, 403, 403, 200, 200),
    ("monitoring.report_csv", "GET"): (LOGIN, 403, 403, 200, 200),
    ("monitoring.report_xlsx", "GET"): (LOGIN, 403, 403, 200, 200),
    ("monitoring.table_csv", "GET"): (LOGIN, 403, 403, 200, 200),
    ("monitoring.printable", "GET"): (LOGIN, 403, 403, 200, 200),
    ("monitoring.records", "GET"): (LOGIN, 403, 403, 200, 200),
    # No such impact record: the facilitator learns it; nobody else gets that far.
    ("monitoring.verify", "POST"): (LOGIN, 403, 403, 403, 404),
    ("monitoring.factors", "GET"): (LOGIN, 403, 403, 403, 200),
    ("monitoring.factors_add", "POST"): (LOGIN, 403, 403, 403, 422),
    # The activity log: facilitators only.
    ("activity.index", "GET"): (LOGIN, 403, 403, 403, 200),
    ("activity.csv", "GET"): (LOGIN, 403, 403, 403, 200),
    ("pooled.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("pooled.new", "GET"): (LOGIN, 200, 200, 200, 200),
    ("pooled.new", "POST"): (LOGIN, 422, 422, 422, 422),
    ("pooled.detail", "GET"): (LOGIN, 200, 200, 200, 200),
    ("pooled.step", "POST"): (LOGIN, 403, 403, 302, 302),
    ("pooled.enrol", "POST"): (LOGIN, 302, 302, 403, 403),
    ("pooled.leave", "POST"): (LOGIN, 302, 302, 403, 403),
    ("pooled.census", "POST"): (LOGIN, 422, 422, 422, 422),
    ("pooled.census_delete", "POST"): (LOGIN, 404, 404, 404, 404),
    ("api_v1.pooled_index", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.pooled_create", "POST"): (401, 400, 400, 400, 400),
    ("api_v1.pooled_detail", "GET"): (401, 200, 200, 200, 200),
    ("api_v1.pooled_act", "POST"): (401, 400, 400, 400, 400),
    # Working groups: one group in zone 1, run by its manager, with the member
    # of firm A in it (not the org admin); an open action owned by the member.
    ("groups.mine", "GET"): (LOGIN, 200, 200, 200, 200),
    ("groups.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("groups.create_submit", "POST"): (LOGIN, 403, 403, 422, 422),
    ("groups.detail", "GET"): (LOGIN, 200, 404, 200, 200),
    ("groups.member_submit", "POST"): (LOGIN, 403, 403, 422, 422),
    ("groups.member_remove_submit", "POST"): (LOGIN, 403, 403, 302, 302),
    ("groups.meeting_submit", "POST"): (LOGIN, 422, 404, 422, 422),
    ("groups.action_submit", "POST"): (LOGIN, 422, 404, 422, 422),
    ("groups.action_state_submit", "POST"): (LOGIN, 302, 404, 302, 302),
    ("groups.archive_submit", "POST"): (LOGIN, 403, 403, 302, 302),
    # Good-practice library: everyone reads, facilitators write.
    ("practices.index", "GET"): (200, 200, 200, 200, 200),
    ("practices.detail", "GET"): (200, 200, 200, 200, 200),
    ("practices.new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("practices.new_submit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("practices.edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("practices.edit_submit", "POST"): (LOGIN, 403, 403, 403, 302),
    ("api_v1.practices_index", "GET"): (200, 200, 200, 200, 200),
    # Matchmaking events: one planned event (plan not published) with firm A,
    # firm B and the network registered; facilitators run it, members register.
    ("events.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("events.new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("events.new", "POST"): (LOGIN, 403, 403, 403, 422),
    ("events.detail", "GET"): (LOGIN, 200, 200, 200, 200),
    # Followed searches: one's own; following needs filters (none posted here).
    ("searches.index", "GET"): (LOGIN, 200, 200, 200, 200),
    ("searches.follow_submit", "POST"): (LOGIN, 422, 422, 422, 422),
    ("searches.stop_submit", "POST"): (LOGIN, 404, 404, 404, 404),
    ("calendar.event_file", "GET"): (LOGIN, 200, 200, 200, 200),
    ("events.edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("events.edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("events.step", "POST"): (LOGIN, 403, 403, 403, 302),
    # Registration is closed once planned: refused with a message.
    ("events.register", "POST"): (LOGIN, 302, 302, 302, 302),
    ("events.unregister", "POST"): (LOGIN, 302, 302, 302, 302),
    # Not published yet: only the facilitator sees the plan.
    ("events.programme", "GET"): (LOGIN, 404, 404, 404, 200),
    ("events.schedule", "GET"): (LOGIN, 404, 404, 404, 200),
    ("events.printable", "GET"): (LOGIN, 404, 404, 404, 200),
    # Partnerships of the event: anyone signed in reads them; recording one
    # needs a party (firm A is registered but named nowhere in an empty form).
    ("event_partnerships.partnerships_page", "GET"): (LOGIN, 200, 200, 200, 200),
    ("event_partnerships.partnerships_record", "POST"): (LOGIN, 403, 403, 403, 422),
    ("event_plan.show", "GET"): (LOGIN, 403, 403, 403, 200),
    ("event_plan.run", "POST"): (LOGIN, 403, 403, 403, 302),
    ("event_plan.swap", "POST"): (LOGIN, 403, 403, 403, 422),
    ("event_plan.move", "POST"): (LOGIN, 403, 403, 403, 422),
    ("event_plan.lock", "POST"): (LOGIN, 403, 403, 403, 302),
}


# Where one URL argument name means different things on different routes.
ENDPOINT_PARAMS = {
    "auth.reset_password": {"token": "not-a-signed-token"},
    "account.email_confirm": {"token": "not-a-signed-token"},
    "invitations.accept": {"token": "not-a-signed-token"},
    "calendar.feed": {"token": "not-a-signed-token"},
    "account.calendar_submit": {"action": "new"},
    "orgs.invitation_action_submit": {"action": "withdraw"},
    "listings.action_submit": {"action": "pause"},
    "agreements.act": {"action": "withdraw"},
    "api_v1.agreements_act": {"action": "accept"},
    "pooled.step": {"action": "start"},
    "api_v1.pooled_act": {"action": "enrol"},
    "groups.action_state_submit": {"state": "done"},
    "groups.archive_submit": {"change": "archive"},
    "monitoring.table_csv": {"name": "impact"},
    "events.step": {"action": "publish"},
}
# Query-string arguments: endpoint -> {argument: key of World.params}.
QUERY = {
    "agreements.new": {"listing": "other_listing_id"},
    "api_v1.stats_view": {"zone": "zone_slug"},
    "monitoring.records": {"figure": "figure"},
}


@dataclass
class World:
    users: dict[str, int | None]
    params: dict[str, object]


def build_world() -> World:
    """Firm A in zone 1 (member, admin), zone 1's manager, a facilitator, firm B."""
    make_reference()
    zone1, zone2 = make_zone(), make_zone()
    org_a = make_org(name="Firm A", zone=zone1)
    org_b = make_org(name="Firm B", zone=zone2)
    network = make_org(name="Network", kind="association")
    member = make_user(org=org_a, role="member")
    admin = make_user(org=org_a, role="admin")
    manager = make_user(org=network, role="member", manages=[zone1])
    facilitator = make_user(org=network, role="member", facilitator=True)
    request = make_zone_request(org=org_b, zone=zone1)
    from symbiosis.extensions import db

    listing = make_listing(org=org_a, by=member)
    author_b = make_user(org=org_b)
    other = make_listing(org=org_b, by=author_b, kind="request", title="Palettes")
    from symbiosis.models import Match
    from symbiosis.services.agreements import propose

    match = db.session.scalar(sa.select(Match))
    agreement = propose(
        author_b,
        listing.id,
        other.id,
        {"quantity": "1", "unit": "t", "frequency": "monthly",
         "start": "2030-01-01", "price_terms": "free", "transport_by": "receiver"},
    )  # fmt: skip
    from symbiosis.services import pooled

    pool = pooled.propose(
        member,
        zone1,
        {"category": "mobility", "title": "Navette", "cost_split": "equal"},
    )
    pooled.act(manager, pool.id, "approve", 1)
    from symbiosis.services import working_groups

    group = working_groups.create_group(manager, zone1.id, {"name": "Mobilité"})
    working_groups.add_member(manager, group.id, {"user_id": member.id})
    group_action = working_groups.add_action(
        manager,
        group.id,
        {"title": "Enquête", "owner_id": member.id, "due_on": date.today()},
    )
    from tests.practice_builders import make_practice

    practice = make_practice(title="Gobelets réutilisables")
    from tests.event_builders import make_planned_event

    event = make_planned_event(facilitator, [org_a, org_b, network])
    from tests.invitation_builders import make_invitation

    invitation = make_invitation(org=org_a, by=admin)
    from symbiosis.services import saved_searches

    # Firm B's search: nobody of the roles may stop following it.
    search = saved_searches.follow(author_b, {"q": "palettes"}, "Palettes")
    db.session.commit()
    return World(
        users={
            "anonymous": None,
            "member": member.id,
            "org_admin": admin.id,
            "zone_manager": manager.id,
            "facilitator": facilitator.id,
        },
        params={
            "org_id": org_a.id,
            "user_id": member.id,
            "action": "promote",
            "zone_id": zone1.id,
            "zone_slug": zone1.slug,
            "request_id": request.id,
            "listing_id": listing.id,
            "match_id": match.id,
            "other_listing_id": other.id,
            "agreement_id": agreement.id,
            "service_id": pool.id,
            "line_id": 999999,
            "group_id": group.id,
            "group_action_id": group_action.id,
            "invitation_id": invitation.id,
            "search_id": search.id,
            "slug": practice.slug,
            "token_id": 999999,
            "notification_id": 999999,
            "filename": "css/app.css",
            "figure": "agreements",
            "record_id": 999999,
            "delivery_id": 999999,
            "event_id": event.id,
            "number": 1,
            "table": 1,
        },
    )


def _rules(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return found


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    assert _rules(app) == set(MATRIX)


def test_every_route_declares_a_permission(app: Flask) -> None:
    undeclared = [e for e, _m in _rules(app) if declared_permission(app, e) is None]
    assert undeclared == []


def test_undeclared_route_is_refused(app: Flask) -> None:
    @app.get("/undeclared")
    def undeclared() -> str:
        return "should never be served"

    @app.get("/declared")
    @requires(Perm.PUBLIC)
    def declared() -> str:
        return "served"

    client = app.test_client()
    assert client.get("/undeclared").status_code == 403
    assert client.get("/declared").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX))
def test_matrix(app: Flask, endpoint: str, method: str, role: str) -> None:
    with app.app_context():
        world = build_world()
        from symbiosis.extensions import db
        from symbiosis.models import User

        user = db.session.get(User, world.users[role]) if world.users[role] else None
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        with app.test_request_context():
            params = {**world.params, **ENDPOINT_PARAMS.get(endpoint, {})}
            query = {k: params[v] for k, v in QUERY.get(endpoint, {}).items()}
            url = url_for(endpoint, **{a: params[a] for a in rule.arguments}, **query)
    client = app.test_client()
    if user is not None:
        with app.app_context():
            login(client, db.session.get(User, user.id))
    # Fields missing from a form keep the stored values (WTForms): edits succeed.
    response = client.open(url, method=method, data={"unrelated": "x"})
    response.close()
    expected = MATRIX[(endpoint, method)][ROLES.index(role)]
    if expected == LOGIN:
        assert response.status_code == 302, response.data[:300]
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == expected, response.data[:300]
