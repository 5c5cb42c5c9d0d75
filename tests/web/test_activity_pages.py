"""The activity log pages: facilitators only, filters, CSV, errors by field."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.models import ActivityEntry
from symbiosis.services import agreements, pooled
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)
from tests.conftest import as_user


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        make_reference()
        zone, other = make_zone(), make_zone()
        supplier, receiver = make_org(zone=zone), make_org(zone=zone)
        ua = make_user(org=supplier, full_name="Anne Supplier")
        ub = make_user(org=receiver, full_name="Ben Receiver")
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        agreement = agreements.propose(ub, offer.id, request.id, agreement_terms())
        network = make_org(name="Réseau", kind="association")
        manager = make_user(org=network, manages=[zone], locale="en")
        raw = {"category": "mobility", "title": "Navette", "cost_split": "equal"}
        pool = pooled.propose(ua, zone, raw)
        pooled.act(manager, pool.id, "approve", 1)
        ids = {
            "zone": zone.slug, "other": other.slug, "member": ua.id,
            "receiver": receiver.id, "agreement": agreement.id, "pool": pool.id,
            "manager": manager.id, "ub": ub.id,
            "facilitator": make_user(
                org=network, facilitator=True, locale="en", full_name="Fay Cilitator"
            ).id,
        }  # fmt: skip
        db.session.commit()
        return ids


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ActivityEntry.id))) or 0


def test_the_facilitator_reads_the_log(app, client, world):
    as_user(app, client, world["facilitator"])
    page = client.get("/monitoring/activity")
    assert page.status_code == 200
    text = page.text
    assert "<td>Agreement proposed</td>" in text
    assert "<td>Pooled service approved</td>" in text
    assert f'href="/agreements/{world["agreement"]}">Pallets</a>' in text
    assert f'href="/pooled/{world["pool"]}">Navette</a>' in text
    assert "Ben Receiver" in text
    assert "3 entries, newest first" in text
    assert '<th scope="col">' in text
    assert "<caption" in text
    # The nav leads there.
    assert 'href="/monitoring/activity"' in client.get("/").text


def test_filters_narrow_the_log(app, client, world):
    as_user(app, client, world["facilitator"])
    page = client.get("/monitoring/activity?action=pooled")
    assert page.status_code == 200
    assert "<td>Pooled service approved</td>" in page.text
    assert "<td>Agreement proposed</td>" not in page.text
    assert '<option value="pooled" selected>' in page.text
    page = client.get(f"/monitoring/activity?actor={world['ub']}")
    assert "1 entry, newest first" in page.text
    assert "Person: Ben Receiver" in page.text
    page = client.get(f"/monitoring/activity?organisation={world['receiver']}")
    assert "1 entry, newest first" in page.text
    page = client.get(f"/monitoring/activity?zone={world['other']}")
    assert "No action recorded matches these filters." in page.text


def test_csv_of_the_filtered_log_is_itself_logged(app, client, world):
    as_user(app, client, world["facilitator"])
    before = _count(app)
    csv = client.get("/monitoring/activity.csv?action=agreement")
    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in csv.headers["Content-Disposition"]
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:3] == ["at_utc", "action", "action_label"]
    assert len(lines) == 2
    assert ";agreement.proposed;" in lines[1]
    assert _count(app) == before + 1
    with app.app_context():
        last = db.session.scalars(
            sa.select(ActivityEntry).order_by(ActivityEntry.id.desc())
        ).first()
        assert (last.action, last.details["table"], last.details["rows"]) == (
            "export.csv",
            "activity",
            1,
        )
        assert last.details["filters"] == {"action": "agreement"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("from=2026-05-02&to=2026-05-01", "to"),
        ("zone=nowhere", "zone"),
        ("action=nothing.at_all", "action"),
        ("actor=999999", "actor"),
    ],
)
def test_bad_filters_are_shown_next_to_the_field(app, client, world, query, field):
    as_user(app, client, world["facilitator"])
    before = _count(app)
    page = client.get(f"/monitoring/activity?{query}")
    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text
    assert 'role="alert"' in page.text
    if field != "actor":  # a hidden field: its error stands next to its chip
        assert f'aria-describedby="{field}-error"' in page.text
    assert "<td>Agreement proposed</td>" not in page.text  # no half-filtered table
    assert client.get(f"/monitoring/activity.csv?{query}").status_code == 422
    assert _count(app) == before  # nothing written, not even the export


def test_only_facilitators_see_the_log(app, client, world):
    for who in ("manager", "member"):
        as_user(app, client, world[who])
        assert client.get("/monitoring/activity").status_code == 403
        assert client.get("/monitoring/activity.csv").status_code == 403
        home = client.get("/").text
        assert "/monitoring/activity" not in home
    as_user(app, client, world["manager"])
    assert "Activity log" not in client.get("/monitoring/").text


def test_the_listing_export_is_logged(app, client, world):
    as_user(app, client, world["member"])
    assert client.get("/listings/export.csv").status_code == 200
    with app.app_context():
        last = db.session.scalars(
            sa.select(ActivityEntry).order_by(ActivityEntry.id.desc())
        ).first()
        assert (last.action, last.actor_id, last.subject_type) == (
            "export.csv",
            world["member"],
            "organisation",
        )
        assert last.details == {"table": "listings", "rows": 1}
