"""GET /api/v1/stats and ``flask report``: roles, bad input, shape."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from symbiosis.extensions import db
from symbiosis.services import agreement_thread as thread
from symbiosis.services import agreements as service
from symbiosis.services.tokens import create_token
from tests.builders import (
    agreement_terms,
    make_listing,
    make_org,
    make_reference,
    make_user,
    make_zone,
)


@pytest.fixture
def world(app: Flask, today: date) -> dict[str, Any]:
    """Wood from firm S to firm R in zone 1, 2 t delivered today."""
    with app.app_context():
        make_reference()
        zone1, zone2 = make_zone(), make_zone()
        s, r = make_org(zone=zone1), make_org(zone=zone1)
        us, ur = make_user(org=s), make_user(org=r, role="admin")
        offer = make_listing(org=s, by=us, quantity="3", frequency="monthly")
        request = make_listing(
            org=r, by=ur, kind="request", title="Holzpaletten gesucht",
            quantity="20", frequency="yearly",
        )  # fmt: skip
        start = (today - timedelta(days=10)).isoformat()
        agreement = service.propose(
            ur, offer.id, request.id, {**agreement_terms(), "start": start}
        )
        service.act(us, agreement.id, "accept", agreement.version)
        service.act(ur, agreement.id, "start", agreement.version)
        thread.log_delivery(
            us, agreement.id,
            {"delivered_on": today.isoformat(), "quantity": "2", "unit": "t"},
        )  # fmt: skip
        users = {
            "member": us,
            "org_admin": ur,
            "manager": make_user(manages=[zone1], role=None),
            "facilitator": make_user(facilitator=True, role=None),
        }
        headers = {
            role: {"Authorization": f"Bearer {create_token(user, 't')[0]}"}
            for role, user in users.items()
        }
        db.session.commit()
        return {
            "zone1": zone1.slug, "zone1_id": zone1.id, "zone2": zone2.slug,
            "headers": headers,
        }  # fmt: skip


def _get(client: Any, world: dict[str, Any], role: str | None, **query: str) -> Any:
    headers = world["headers"][role] if role else {}
    return client.get("/api/v1/stats", query_string=query, headers=headers)


def test_facilitator_gets_kpis_and_impact_by_level(client, world, today):
    response = _get(client, world, "facilitator", zone=world["zone1"])
    assert response.status_code == 200
    data = response.json
    assert data["zone"]["slug"] == world["zone1"]
    assert data["to"] == today.isoformat()
    assert data["from"] == (today - timedelta(days=364)).isoformat()
    assert set(data["kpis"]) == {
        "listings", "matches", "agreements", "funnel", "pooled",
        "organisations_active", "partnerships",
    }  # fmt: skip
    assert data["kpis"]["partnerships"] == {
        "signed": 0, "hours": None, "pieces": None, "eur": None,
    }  # fmt: skip
    assert data["kpis"]["agreements"]["by_state"] == {"active": 1}
    impact = data["impact"]
    assert set(impact) == {"potential", "agreed", "delivered", "verified"}
    assert impact["potential"]["t"]["quantity"] == 20.0
    assert impact["agreed"]["t"]["quantity"] == 24.0
    assert impact["delivered"]["t"]["quantity"] == 2.0
    assert impact["delivered"]["t"]["avoided_kg_co2e"] == 461.923
    assert impact["verified"] == {}


def test_zone_by_id_and_all_zones_for_facilitators(client, world):
    by_id = _get(client, world, "facilitator", zone=str(world["zone1_id"]))
    assert by_id.json["zone"]["slug"] == world["zone1"]
    everywhere = _get(client, world, "facilitator")
    assert everywhere.status_code == 200
    assert everywhere.json["zone"] is None


def test_zone_manager_sees_only_the_zones_they_manage(client, world):
    assert _get(client, world, "manager", zone=world["zone1"]).status_code == 200
    other = _get(client, world, "manager", zone=world["zone2"])
    assert other.status_code == 403
    assert other.json["errors"][0]["field"] == "zone"
    assert _get(client, world, "manager").status_code == 403


@pytest.mark.parametrize("role", ["member", "org_admin"])
def test_members_are_refused(client, world, role):
    assert _get(client, world, role, zone=world["zone1"]).status_code == 403


def test_anonymous_gets_401_as_json(client, world):
    response = _get(client, world, None, zone=world["zone1"])
    assert response.status_code == 401
    assert "errors" in response.json


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"zone": "nowhere"}, "zone"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, world, query, field):
    response = _get(client, world, "facilitator", **query)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == field


def test_period_without_figures(client, world):
    response = _get(
        client, world, "facilitator", **{"from": "2000-01-01", "to": "2000-12-31"}
    )
    assert response.status_code == 200
    assert response.json["impact"] == {
        "potential": {}, "agreed": {}, "delivered": {}, "verified": {},
    }  # fmt: skip


def test_report_command_text_and_csv(app, world, today):
    runner = app.test_cli_runner()
    args = ["report", "--zone", world["zone1"], "--from", "2000-01-01"]
    text = runner.invoke(args=[*args, "--to", today.isoformat()])
    assert text.exit_code == 0, text.output
    assert "2000-01-01" in text.output
    assert "quantity (delivered, t)" in text.output
    assert "quantity (agreed, t)" in text.output
    result = runner.invoke(args=[*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    delivered = {
        r["figure"]: r["value"]
        for r in rows
        if r["evidence_level"] == "delivered" and r["unit"] == "t"
    }
    assert delivered["quantity"] == "2.0000"
    assert delivered["avoided_kg_co2e"] == "461.923"
    assert {r["evidence_level"] for r in rows} == {
        "",
        "potential",
        "agreed",
        "delivered",
    }
    agreements = [r for r in rows if r["section"] == "agreements"]
    assert [(r["figure"], r["value"]) for r in agreements] == [("active", "1")]


def test_report_command_refuses_bad_input(app, world):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["report", "--zone", "nowhere"]).exit_code != 0
    bad = runner.invoke(args=["report", "--from", "01/02/2026"])
    assert bad.exit_code != 0
    assert "--from" in bad.output


def test_report_command_writes_the_dashboard_workbook(app, world, tmp_path):
    from openpyxl import load_workbook

    runner = app.test_cli_runner()
    target = tmp_path / "report.xlsx"
    args = ["report", "--zone", world["zone1"], "--format", "xlsx"]
    assert runner.invoke(args=args).exit_code != 0  # a workbook needs a file
    done = runner.invoke(args=[*args, "--output", str(target)])
    assert done.exit_code == 0, done.output
    book = load_workbook(target)
    assert len(book.sheetnames) > 8
    text = tmp_path / "report.txt"
    assert runner.invoke(args=["report", "--output", str(text)]).exit_code == 0
    assert "[impact]" in text.read_text(encoding="utf-8")


def test_stored_figures_say_when_they_were_computed(app, client, world):
    app.config["STATS_CACHE_SECONDS"] = 600
    first = _get(client, world, "facilitator", zone=world["zone1"]).get_json()
    assert first["computed_at"] is None  # computed for this request
    again = _get(client, world, "facilitator", zone=world["zone1"]).get_json()
    assert again["computed_at"] is not None
    assert again["kpis"] == first["kpis"]
    assert again["impact"] == first["impact"]
    assert _get(client, world, "member", zone=world["zone1"]).status_code == 403
