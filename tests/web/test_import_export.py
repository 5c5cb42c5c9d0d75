"""Bulk import (all or nothing, French/German spreadsheets) and CSV export."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook

from symbiosis.extensions import db
from symbiosis.models import Listing, User
from tests.builders import make_listing, make_org, make_reference, make_user, make_zone
from tests.conftest import as_user

HEADER = "kind;resource;title;description;ewc_code;quantity;unit;frequency;available_from;available_until;locality;anonymous;sdgs"
FRENCH_ROW = "offre;matière;Palettes en bois (EUR);Palettes « bon état »;15 01 03;2,5;t;mensuel;01/12/2026;31/12/2027;Contern;non;12;13"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)", lat=49.586, lon=6.215)
        firm = make_org(name="Boulangerie du Sud", zone=zone)
        other = make_org(name="Firm B", zone=zone)
        ids = {
            "firm": firm.id,
            "other": other.id,
            "member": make_user(org=firm).id,
            "other_member": make_user(org=other).id,
            "facilitator": make_user(org=other, facilitator=True).id,
        }
        db.session.commit()
        return ids


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Listing.id)))


def upload(
    client: FlaskClient, content: bytes, name: str = "listings.csv", **form: str
):
    data = {"file": (io.BytesIO(content), name), **form}
    return client.post(
        "/listings/import", data=data, content_type="multipart/form-data"
    )


def test_french_locale_csv_with_bom_and_cp1252(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    text = HEADER + "\r\n" + FRENCH_ROW.replace(";12;13", ';"12;13"') + "\r\n"
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252")):
        response = upload(client, encoded)
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        rows = db.session.scalars(sa.select(Listing)).all()
        assert len(rows) == 2
        for listing in rows:
            assert listing.title == "Palettes en bois (EUR)"
            assert listing.description == "Palettes « bon état »"
            assert float(listing.quantity) == 2.5
            assert listing.frequency == "monthly"
            assert listing.kind == "offer"
            assert listing.resource == "material"
            assert listing.available_from.isoformat() == "2026-12-01"
            assert [s.number for s in listing.sdgs] == [12, 13]
            assert listing.organisation_id == world["firm"]


def test_one_bad_row_among_a_thousand_writes_nothing(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    lines = [HEADER]
    for n in range(1000):
        quantity = "-4" if n == 637 else f"{n + 1},5"
        lines.append(f"offer;material;Lot {n};;15 01 03;{quantity};t;monthly;;;;no;")
    response = upload(client, "\n".join(lines).encode())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "<td>639</td><td>quantity</td>" in page
    )  # header is row 1, so lot 637 is row 639
    assert count(app) == 0
    lines[638] = lines[638].replace(";-4;", ";4;")  # lines[0] is the header, row 1
    response = upload(client, "\n".join(lines).encode())
    assert response.status_code == 302
    assert count(app) == 1000


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "vide"),
        (b"kind;title\noffer;x\n", "short.csv", "Colonnes manquantes"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "image.csv",
            "texte",
        ),
        (HEADER.encode() + b"\n", "header-only.csv", "aucune ligne"),
        (b"PK\x03\x04 not really a zip", "fake.xlsx", "Excel"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    app: Flask,
    client: FlaskClient,
    world: dict,
    content: bytes,
    name: str,
    message: str,
) -> None:
    as_user(app, client, world["member"])
    response = upload(client, content, name)
    assert response.status_code == 400
    error = (
        response.get_data(as_text=True)
        .split('id="file-error"', 1)[1]
        .split("</div>", 1)[0]
    )
    assert message in error
    assert count(app) == 0


def test_row_errors_name_row_and_column(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    bad = (
        HEADER
        + "\noffer;material;;;99 99 99;abc;furlong;monthly;01/06/2027;01/01/2027;Atlantis;peut-être;18\n"
    )
    page = upload(client, bad.encode()).get_data(as_text=True)
    for column in (
        "title",
        "ewc_code",
        "quantity",
        "unit",
        "available_until",
        "anonymous",
        "sdgs",
    ):
        assert f"<td>2</td><td>{column}</td>" in page, column


def test_xlsx_import(app: Flask, client: FlaskClient, world: dict) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["kind", "resource", "title", "quantity", "unit", "frequency", "available_from"]
    )
    sheet.append(
        ["request", "energy", "Chaleur fatale", 1200, "MWh", "yearly", "2027-01-15"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    as_user(app, client, world["member"])
    assert upload(client, buffer.getvalue(), "listings.xlsx").status_code == 302
    with app.app_context():
        listing = db.session.scalar(sa.select(Listing))
        assert (listing.title, float(listing.yearly_quantity), listing.base_unit) == (
            "Chaleur fatale",
            1200.0,
            "MWh",
        )


def test_member_cannot_import_for_another_organisation(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    content = (
        "organisation;"
        + HEADER
        + "\nFirm B;"
        + FRENCH_ROW.replace(";12;13", ";")
        + "\n"
    )
    response = upload(client, content.encode())
    assert response.status_code == 400
    assert "<td>2</td><td>organisation</td>" in response.get_data(as_text=True)
    assert count(app) == 0


def test_facilitator_imports_a_zone_diagnostic(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["facilitator"])
    row = FRENCH_ROW.replace(";12;13", ";")
    content = f"organisation;{HEADER}\nBoulangerie du Sud;{row}\nFIRM B;{row}\n"
    assert upload(client, content.encode()).status_code == 302
    with app.app_context():
        owners = sorted(db.session.scalars(sa.select(Listing.organisation_id)))
    assert owners == sorted([world["firm"], world["other"]])


def test_upload_over_the_limit_is_413(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    app.config["IMPORT_MAX_BYTES"] = 1000
    as_user(app, client, world["member"])
    assert upload(client, b"x" * 2000).status_code == 413
    assert count(app) == 0


def test_export_neutralises_formulas_and_reimports(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    with app.app_context():
        firm = db.session.get(User, world["member"]).organisation
        make_listing(
            org=firm,
            by=db.session.get(User, world["member"]),
            title='=HYPERLINK("http://x")',
            description="@SUM(A1)",
        )
        make_listing(
            org=db.session.get(User, world["other_member"]).organisation,
            by=db.session.get(User, world["other_member"]),
            title="Not ours",
        )
    as_user(app, client, world["member"])
    response = client.get("/listings/export.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["title"] for r in rows] == ['\'=HYPERLINK("http://x")']
    assert rows[0]["description"] == "'@SUM(A1)"
    assert "Not ours" not in text
    # The export is itself a valid import file.
    assert upload(client, response.get_data()).status_code == 302


def test_template_downloads(app: Flask, client: FlaskClient, world: dict) -> None:
    as_user(app, client, world["member"])
    response = client.get("/listings/template.csv")
    assert response.mimetype == "text/csv"
    assert upload(client, response.get_data()).status_code == 302


def test_cli_import_with_progress(app: Flask, world: dict, tmp_path) -> None:
    path = tmp_path / "listings.csv"
    path.write_text(
        HEADER + "\n" + FRENCH_ROW.replace(";12;13", ";") + "\n", encoding="utf-8"
    )
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["listings", "import", str(path), "--org", "boulangerie-du-sud"]
    )
    assert result.exit_code == 0, result.output
    assert "1 listings imported" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\noffer;material;x;;;0;t;monthly;;;;;\n", encoding="utf-8")
    result = runner.invoke(
        args=["listings", "import", str(bad), "--org", "Boulangerie du Sud"]
    )
    assert result.exit_code != 0
    assert "row 2, quantity" in result.output
    assert count(app) == 1


def test_the_import_page_explains_every_column(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    from symbiosis.services.imports import TEMPLATE_COLUMNS

    as_user(app, client, world["member"])
    page = client.get("/listings/import").get_data(as_text=True)
    for column in TEMPLATE_COLUMNS:
        assert f'<th scope="row"><code>{column}</code></th>' in page, column
    assert 'href="/listings/places.csv"' in page
    # the same help next to the report of a refused file
    refused = upload(client, (HEADER + "\noffer;material;;;;1;t;once\n").encode())
    assert refused.status_code == 400
    assert '<th scope="row"><code>locality</code></th>' in refused.get_data(
        as_text=True
    )


def test_every_place_of_the_list_places_an_imported_listing(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    as_user(app, client, world["member"])
    listed = client.get("/listings/places.csv")
    assert listed.mimetype == "text/csv"
    rows = list(
        csv.DictReader(
            io.StringIO(listed.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"
        )
    )
    kinds = {row["kind"] for row in rows}
    assert {"commune", "zone"} <= kinds
    names = [row["locality"] for row in rows]
    assert "Contern" in names  # the zone, by its short name (and the commune)
    lines = [
        f"offer;material;Palettes {n};;;1;t;once;;;{name};non;"
        for n, name in enumerate(names)
    ]
    done = upload(client, "\n".join([HEADER, *lines]).encode())
    assert done.status_code == 302, done.get_data(as_text=True)[-2000:]
    with app.app_context():
        placed = db.session.scalars(sa.select(Listing.location_label)).all()
    assert sorted(placed) == sorted(names)
