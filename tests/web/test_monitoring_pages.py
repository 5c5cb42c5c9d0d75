"""The monitoring dashboard: facilitators see every zone, managers theirs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.services import agreements
from tests.builders import (
    AGREEMENT_TERMS,
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
        ua, ub = make_user(org=supplier), make_user(org=receiver)
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        agreements.propose(ub, offer.id, request.id, AGREEMENT_TERMS)
        network = make_org(name="Réseau", kind="association")
        ids = {
            "zone": zone.slug, "other": other.slug, "member": ua.id,
            "manager": make_user(org=network, manages=[zone]).id,
            "facilitator": make_user(org=network, facilitator=True).id,
        }  # fmt: skip
        db.session.commit()
        return ids


def test_the_facilitator_sees_the_network(app, client, world):
    as_user(app, client, world["facilitator"])
    page = client.get("/monitoring/")
    assert page.status_code == 200
    assert 'class="badge agreement-state state-proposed"' in page.text
    csv = client.get(f"/monitoring/report.csv?zone={world['zone']}")
    assert csv.status_code == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "section,figure,evidence_level,unit,value"
    assert any(line.startswith("agreements,") for line in csv.text.splitlines())


def test_a_manager_sees_only_their_zone(app, client, world):
    as_user(app, client, world["manager"])
    page = client.get("/monitoring/")
    assert page.status_code == 200
    assert f'value="{world["zone"]}" selected' in page.text
    assert world["other"] not in page.text  # not even offered
    assert client.get(f"/monitoring/?zone={world['other']}").status_code == 404
    as_user(app, client, world["member"])
    assert client.get("/monitoring/").status_code == 403


def test_bad_dates_are_shown_next_to_the_field(app, client, world):
    as_user(app, client, world["facilitator"])
    later = (date.today() + timedelta(days=3)).isoformat()
    page = client.get(f"/monitoring/?from={later}&to={date.today().isoformat()}")
    assert page.status_code == 422
    assert 'id="to-error"' in page.text
    assert client.get("/monitoring/?from=yesterday").status_code == 422
