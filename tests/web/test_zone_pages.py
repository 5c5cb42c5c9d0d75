"""The zone page (listings, map, agreements) and the diagnostic page and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Organisation
from tests.conftest import as_user
from tests.diagnostic_world import build_diagnostic_world


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return build_diagnostic_world()


def _as(
    app: Flask, client: FlaskClient, world: dict[str, Any], role: str
) -> FlaskClient:
    return as_user(app, client, world["users"][role])


def _page(app: Flask, client: FlaskClient, world: dict[str, Any], role: str) -> str:
    response = _as(app, client, world, role).get(f"/zones/{world['zone']}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_zone_page_lists_the_listings_on_a_map_and_in_tables(app, client, world):
    html = _page(app, client, world, "other_member")
    assert "4 active listings" in html or "4 annonces actives" in html
    assert f'data-source="/listings/map.geojson?zone={world["zone"]}"' in html
    assert "js/listings-map.js" in html
    assert "Palettes en bois pour le four" in html
    assert f'href="/listings/?zone={world["zone"]}&amp;chapter=15"' in html
    # The pooled services' section is the lead's; the page works without it.
    assert "zone-chapters" in html


def test_zone_page_says_the_kind_of_zone_in_the_readers_language(app, client, world):
    from symbiosis.labels import ZONE_KIND
    from symbiosis.models import Zone

    with app.app_context():
        zone = db.session.get(Zone, world["zone"])
        assert zone is not None
        zone.kind = "brownfield, university, business"
        db.session.commit()
    html = _page(app, client, world, "other_member")
    assert "friche reconvertie, université, entreprises" in html
    assert "brownfield" not in html
    # every kind the reference data has is written in each language
    zones = Path(__file__).parents[2] / "seeds" / "reference" / "zones.csv"
    with zones.open(encoding="utf-8") as handle:
        kinds = {row["type"] for row in csv.DictReader(handle)}
    assert kinds <= set(ZONE_KIND)


def test_zone_page_never_names_the_firm_of_an_anonymous_listing(app, client, world):
    html = _page(app, client, world, "manager")
    row = re.search(
        r"<tr>\s*<th[^>]*><a[^>]*>Carton d&#39;emballage</a>.*?</tr>", html, re.S
    )
    assert row is not None
    assert "Menuiserie Alpha" not in row.group(0)
    html = _page(app, client, world, "facilitator")
    row = re.search(
        r"<tr>\s*<th[^>]*><a[^>]*>Carton d&#39;emballage</a>.*?</tr>", html, re.S
    )
    assert row is not None
    assert "Menuiserie Alpha" in row.group(0)


def test_agreements_are_counted_for_members_and_listed_for_the_manager(
    app, client, world
):
    html = _page(app, client, world, "outside_member")
    assert "zone-agreement-counts" in html
    assert "zone-agreements" not in html.replace("zone-agreements-title", "")
    assert "diagnostic" not in html.lower().replace("zones/_", "")
    html = _page(app, client, world, "manager")
    assert 'class="table align-middle zone-agreements"' in html
    assert f"/agreements/{world['agreement']}" not in html  # not a party
    assert f"/zones/{world['zone']}/diagnostic" in html
    html = _page(app, client, world, "facilitator")
    assert f"/agreements/{world['agreement']}" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("facilitator", 200),
        ("member", 403),  # a member of the zone
        ("other_manager", 403),  # the manager of another zone
    ],
)
def test_diagnostic_page_for_its_manager_and_the_facilitator(
    app, client, world, role, status
):
    for suffix in ("diagnostic", "diagnostic.csv"):
        response = _as(app, client, world, role).get(f"/zones/{world['zone']}/{suffix}")
        assert response.status_code == status, suffix


def test_unknown_zone_is_404(app, client, world):
    response = _as(app, client, world, "facilitator").get("/zones/999999/diagnostic")
    assert response.status_code == 404


def test_diagnostic_page_shows_tables_and_the_chart_data(app, client, world):
    response = _as(app, client, world, "manager").get(
        f"/zones/{world['zone']}/diagnostic"
    )
    html = response.get_data(as_text=True)
    assert "diagnostic-materials" in html
    assert "diagnostic-agreed" in html
    assert "diagnostic-potential" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "js/zone-sankey.js" in html
    assert "<script>" not in html  # the CSP forbids inline scripts: data only
    data = re.search(
        r'<script type="application/json" id="zone-sankey-data">(.*?)</script>',
        html,
        re.S,
    )
    assert data is not None
    charts = json.loads(data.group(1))
    assert [c["key"] for c in charts] == ["agreed-t", "potential-t"]
    assert "Menuiserie Alpha" in html
    assert "Ferme Gamma" in html


def test_diagnostic_csv(app, client, world):
    with app.app_context():
        db.session.get(Organisation, world["bakery"]).name = '=HYPERLINK("http://x")'
        db.session.commit()
    response = _as(app, client, world, "manager").get(
        f"/zones/{world['zone']}/diagnostic.csv"
    )
    assert response.mimetype == "text/csv"
    assert (
        "zone-sud-esch-sur-alzette-diagnostic.csv"
        in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    sections = [r["section"] for r in rows]
    assert sections.count("agreement") == 1
    assert sections.count("match") == 2
    totals = {
        r["unit"]: (r["out_yearly"], r["in_yearly"])
        for r in rows
        if r["section"] == "total"
    }
    assert totals == {"pieces": ("0", "1200"), "t": ("56", "20")}
    (agreed,) = [r for r in rows if r["section"] == "agreement"]
    assert agreed["supplier"] == "Menuiserie Alpha"
    assert agreed["yearly_quantity"] == "24"
    assert agreed["unit"] == "t"
    # A firm's name that a spreadsheet would run as a formula is neutralised.
    assert agreed["receiver"] == '\'=HYPERLINK("http://x")'
    # The anonymous cardboard's firm is not named to the zone manager: of the
    # two matches towards the farm, only the pallets name their firm.
    to_farm = [r for r in rows if r["section"] == "match" and "Ferme" in r["receiver"]]
    assert sorted(r["supplier"] == "Menuiserie Alpha" for r in to_farm) == [False, True]
    assert all("(" in r["receiver"] for r in to_farm)  # "(outside the zone)"
