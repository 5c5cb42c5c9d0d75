"""The monitoring dashboard: facilitators see every zone, managers theirs."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from symbiosis.extensions import db
from symbiosis.services import agreements
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
        ua, ub = make_user(org=supplier), make_user(org=receiver)
        offer = make_listing(org=supplier, by=ua)
        request = make_listing(org=receiver, by=ub, kind="request", title="Pallets")
        agreements.propose(ub, offer.id, request.id, agreement_terms())
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
    assert "/monitoring/records?figure=agreements&amp;key=proposed" in page.text
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


def _english(client: Any) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def _delivered_world(app: Flask, world: dict[str, Any]) -> int:
    """Accept, start and deliver the world's agreement; the record's id."""
    from symbiosis.models import Agreement, User
    from symbiosis.services import agreement_thread

    with app.app_context():
        agreement = db.session.scalar(sa.select(Agreement))
        supplier = db.session.get(User, world["member"])
        receiver = db.session.scalar(
            sa.select(User).where(User.organisation_id == agreement.receiver_id)
        )
        agreements.act(supplier, agreement.id, "accept", agreement.version)
        agreements.act(receiver, agreement.id, "start", agreement.version)
        agreement_thread.log_delivery(
            supplier, agreement.id,
            {"delivered_on": date.today().isoformat(), "quantity": "1.5", "unit": "t"},
        )  # fmt: skip
        return agreement.impacts[-1].id


def test_dashboard_draws_charts_from_the_same_figures(app, client, world):
    _delivered_world(app, world)
    as_user(app, client, world["facilitator"])
    _english(client)
    page = client.get("/monitoring/")
    assert page.status_code == 200
    for box in ("chart-monthly", "chart-funnel", "chart-zones", "chart-materials",
                "chart-sankey", "monitoring-map"):  # fmt: skip
        assert f'id="{box}"' in page.text
    data = json.loads(page.text.split('id="monitoring-data">')[1].split("</script>")[0])
    assert sum(data["monthly"]["delivered_t"]) == 1.5
    assert data["sankey"]["measure"] == "delivered_t"
    assert data["zone_pairs"][0]["delivered_t"] == 1.5
    # figures link to their records
    assert "/monitoring/records?figure=impact.delivered&amp;key=t" in page.text
    assert "Download “Impact by evidence level” as CSV" in page.text


def _impact_row(html: str, level: str) -> list[str]:
    """The cells' text of the impact table's row for ``level`` in tonnes."""
    table = html.split('id="table-impact"')[1].split("</table>")[0]
    for row in table.split("<tr>")[1:]:
        cells = [
            re.sub(r"<[^>]+>|\s", "", cell)  # tags and (no-break) spaces out
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == level and cells[1] == "t":
            return cells
    raise AssertionError(f"no {level} row in tonnes")


def test_pages_round_the_impact_figures_and_the_csv_keeps_them(app, client, world):
    """Kilograms of CO2 to the kilogram, distances to the tenth of a km on
    the pages; every stored decimal in the exports."""
    from symbiosis.models import ImpactRecord, Listing, Organisation

    with app.app_context():  # the two sites 15 km apart, not on one point
        for model in (Listing, Organisation):
            for row, (lat, lon) in zip(
                db.session.scalars(sa.select(model).order_by(model.id)),
                ((49.60, 6.15), (49.50, 6.00)),
                strict=False,
            ):
                row.lat, row.lon = lat, lon
        db.session.commit()
    record_id = _delivered_world(app, world)
    with app.app_context():
        record = db.session.get(ImpactRecord, record_id)
        transport, avoided = record.transport_kg_co2e, record.avoided_kg_co2e
        figures = (record.distance_km, transport, avoided, avoided - transport)
    assert all(f != f.to_integral_value() for f in figures[1:])  # decimals to round
    as_user(app, client, world["facilitator"])
    _english(client)
    for path in ("/monitoring/", "/monitoring/print"):
        cells = _impact_row(client.get(path).text, "Delivered")
        distance, transport, avoided, net = cells[4:8]
        assert distance == f"{figures[0]:,.1f}".rstrip("0").rstrip(".")
        assert [transport, avoided, net] == [f"{f:,.0f}" for f in figures[1:]]
    exported = client.get("/monitoring/tables/impact.csv").data.decode("utf-8-sig")
    assert f",{figures[1]}," in exported


def test_exports_and_the_printable_report(app, client, world):
    _delivered_world(app, world)
    as_user(app, client, world["manager"])
    xlsx = client.get(f"/monitoring/report.xlsx?zone={world['zone']}")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.data[:2] == b"PK"  # a zip: an Office Open XML workbook
    french = client.get("/monitoring/tables/impact.csv")
    assert french.headers["Content-Type"].startswith("text/csv")
    body = french.data.decode("utf-8-sig")
    assert body.splitlines()[0].count(";") == 8
    assert ";1,5000;" in body
    _english(client)
    english = client.get("/monitoring/tables/impact.csv").data.decode("utf-8-sig")
    assert ",1.5000," in english
    assert client.get("/monitoring/tables/nothing.csv").status_code == 404
    assert client.get("/monitoring/tables/impact.csv?from=soon").status_code == 422
    printed = client.get("/monitoring/print")
    assert printed.status_code == 200
    assert '<html lang="en">' in printed.text
    assert "tonnes delivered" in printed.text
    assert (
        'name="viewport" content="width=device-width, initial-scale=1"' in printed.text
    )  # phones
    # the manager's report is about their zone only
    assert client.get(f"/monitoring/print?zone={world['other']}").status_code == 404


def test_records_behind_a_figure_and_their_verification(app, client, world):
    record_id = _delivered_world(app, world)
    as_user(app, client, world["manager"])
    _english(client)
    page = client.get("/monitoring/records?figure=impact.delivered&key=t")
    assert page.status_code == 200
    assert "1 record." in page.text
    assert "Verify" not in page.text  # only facilitators verify
    assert client.post(f"/monitoring/impacts/{record_id}/verify").status_code == 403
    assert client.get("/monitoring/records?figure=everything").status_code == 404
    as_user(app, client, world["facilitator"])
    _english(client)
    target = "/monitoring/records?figure=impact.verified&key=t"
    assert "0 records." in client.get(target).text
    done = client.post(f"/monitoring/impacts/{record_id}/verify", data={"next": target})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(target)
    assert "1 record." in client.get(target).text
    assert client.post("/monitoring/impacts/999999/verify").status_code == 404
    away = client.post(
        f"/monitoring/impacts/{record_id}/verify", data={"next": "https://evil.example"}
    )
    assert away.headers["Location"].endswith("/monitoring/")


NEWER_SET = (
    "source_id,level_1,level_2,level_3,level_4,column_text,unit,kg_co2e_per_unit\n"
    "27_304_3140_14_1,Freighting goods,HGV,All HGVs,,Average laden,tonne.km,0.2\n"
    "28_907_3140_14_1,WTT- delivery,WTT- HGV,All HGVs,,Average laden,tonne.km,0.05\n"
)


def test_the_facilitator_adds_a_factor_set(app, client, world):
    import io

    as_user(app, client, world["facilitator"])
    _english(client)
    page = client.get("/monitoring/factors")
    assert "DESNZ-2025" in page.text
    assert "in use today" in page.text
    bad = client.post(
        "/monitoring/factors",
        data={"name": "", "valid_from": "", "source": "x",
              "file": (io.BytesIO(b"nothing"), "f.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'id="name-error"' in bad.text or "Give the set a name" in bad.text
    assert "Give the first day the set applies to." in bad.text
    good = client.post(
        "/monitoring/factors",
        data={"name": "DESNZ-2026", "valid_from": date.today().isoformat(),
              "source": "DESNZ/DEFRA 2026, OGL v3.0",
              "file": (io.BytesIO(NEWER_SET.encode()), "f.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert good.status_code == 302
    listed = client.get("/monitoring/factors").text
    assert listed.index("DESNZ-2026") < listed.index("in use today")
    as_user(app, client, world["manager"])
    assert client.get("/monitoring/factors").status_code == 403


def test_stored_figures_are_dated_on_the_page(app, client, world):
    app.config["STATS_CACHE_SECONDS"] = 600
    as_user(app, client, world["facilitator"])
    first = client.get("/monitoring/")
    assert first.status_code == 200
    assert 'id="computed-at"' not in first.text  # computed for this request
    again = client.get("/monitoring/")
    assert 'id="computed-at"' in again.text
    app.config["STATS_CACHE_SECONDS"] = 0
    assert 'id="computed-at"' not in client.get("/monitoring/").text
