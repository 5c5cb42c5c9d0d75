"""Sign-in, registration and their bad input: clear errors, nothing stored, no 500."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from symbiosis.extensions import db
from symbiosis.models import Organisation, User, ZoneRequest
from tests.builders import PASSWORD, make_org, make_reference, make_user, make_zone


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(User.id))),
            db.session.scalar(sa.select(sa.func.count(Organisation.id))),
        )


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    with app.app_context():
        make_reference()
        zone = make_zone(name="Contern (Weiergewan/Rolach)")
        org = make_org(name="Boulangerie du Sud", zone=zone)
        user = make_user(email="membre@boulangerie.example.lu", org=org)
        db.session.commit()
        return {"zone": zone.id, "org": org.id, "user": user.id}


def register_form(**overrides: str) -> dict[str, str]:
    form = {
        "full_name": "Zoë Müller-Łukasiewicz",
        "email": "zoe@nouvelle.example.lu",
        "password": "un mot de passe sûr",
        "password_confirm": "un mot de passe sûr",
        "mode": "create",
        "org_name": "Nouvelle Entreprise S.A.",
        "org_kind": "company",
        "nace_code": "10.71",
        "zone": "0",
        "join_organisation": "0",
    }
    form.update(overrides)
    return form


def test_login_and_logout(client: FlaskClient, world: dict[str, int]) -> None:
    response = client.post(
        "/login", data={"email": "MEMBRE@boulangerie.example.lu ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Boulangerie du Sud" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 302
    assert client.get("/account/").status_code == 302


def _stored_hash(app: Flask, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


@pytest.mark.parametrize("password_ok", [True, False])
def test_a_hash_made_with_other_settings_is_redone_at_sign_in(
    app: Flask, client: FlaskClient, world: dict[str, int], password_ok: bool
) -> None:
    from argon2 import PasswordHasher, extract_parameters

    with app.app_context():
        user = db.session.get(User, world["user"])
        old = PasswordHasher(time_cost=3, memory_cost=16, parallelism=2)
        user.password_hash = old.hash(PASSWORD)
        db.session.commit()
    before = _stored_hash(app, world["user"])
    password = PASSWORD if password_ok else "pas le bon mot de passe"
    response = client.post(
        "/login", data={"email": "membre@boulangerie.example.lu", "password": password}
    )
    after = _stored_hash(app, world["user"])
    if not password_ok:  # a failed sign-in writes nothing
        assert response.status_code == 400
        assert after == before
        return
    assert response.status_code == 302
    made = extract_parameters(after)
    cfg = app.config
    assert (made.time_cost, made.memory_cost, made.parallelism) == (
        cfg["ARGON2_TIME_COST"],
        cfg["ARGON2_MEMORY_COST"],
        cfg["ARGON2_PARALLELISM"],
    )
    client.post("/logout")
    again = client.post(
        "/login", data={"email": "membre@boulangerie.example.lu", "password": PASSWORD}
    )
    assert again.status_code == 302
    assert _stored_hash(app, world["user"]) == after  # not redone a second time


def test_login_redirects_to_a_local_next_only(
    client: FlaskClient, world: dict[str, int]
) -> None:
    data = {"email": "membre@boulangerie.example.lu", "password": PASSWORD}
    ok = client.post("/login?next=/zones/", data=data)
    assert ok.headers["Location"] == "/zones/"
    client.post("/logout")
    evil = client.post("/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("membre@boulangerie.example.lu", "wrong password"),
        ("nobody@example.lu", PASSWORD),
    ],
)
def test_wrong_credentials_get_one_generic_message(
    client: FlaskClient, world: dict[str, int], email: str, password: str
) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "E-mail ou mot de passe incorrect" in page or "E-mail or password" in page


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x" * 10_000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "日本語\u202e",
        "a\x00b",
    ],
)
def test_login_with_bad_values_never_fails_hard(
    client: FlaskClient, world: dict[str, int], value: str
) -> None:
    response = client.post("/login", data={"email": value, "password": value})
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_failed_logins_are_rate_limited_per_account(
    client: FlaskClient, world: dict[str, int]
) -> None:
    data = {"email": "membre@boulangerie.example.lu", "password": "wrong password"}
    statuses = [client.post("/login", data=data).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    # Even the right password is refused while the account is cooling down.
    data["password"] = PASSWORD
    assert client.post("/login", data=data).status_code == 429
    # Another account is not blocked by this one's failures.
    other = {"email": "someone-else@example.lu", "password": "wrong password"}
    assert client.post("/login", data=other).status_code == 400


def test_successful_logins_do_not_count_as_failures(
    client: FlaskClient, world: dict[str, int]
) -> None:
    data = {"email": "membre@boulangerie.example.lu", "password": PASSWORD}
    for _ in range(7):
        assert client.post("/login", data=data).status_code == 302
        client.post("/logout")


def test_long_lists_are_drawn_as_selects(client: FlaskClient) -> None:
    page = client.get("/register").get_data(as_text=True)
    for name in ("nace_code", "join_organisation"):
        control = re.search(rf'<select [^>]*id="{name}"[^>]*>', page)
        assert control is not None, name
        assert 'class="form-select"' in control.group(0), name


def test_register_creates_organisation_and_admin(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    response = client.post("/register", data=register_form(zone=str(world["zone"])))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(
            sa.select(User).where(User.email == "zoe@nouvelle.example.lu")
        )
        assert user is not None
        assert user.full_name == "Zoë Müller-Łukasiewicz"
        assert user.org_role == "admin"
        assert user.password_hash.startswith("$argon2id$")
        org = user.organisation
        assert org.name == "Nouvelle Entreprise S.A."
        assert org.nace_code == "10.71"
        assert org.zone_id is None  # the zone's manager decides first
        request = db.session.scalar(sa.select(ZoneRequest))
        assert request.zone_id == world["zone"]
        assert request.state == "pending"


def test_register_to_join_waits_for_an_admin(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    form = register_form(mode="join", join_organisation=str(world["org"]), org_name="")
    assert client.post("/register", data=form).status_code == 302
    with app.app_context():
        user = db.session.scalar(
            sa.select(User).where(User.email == "zoe@nouvelle.example.lu")
        )
        assert user.organisation_id == world["org"]
        assert user.org_role == "pending"
    # A pending member sees nothing private of the organisation.
    page = client.get(f"/organisations/{world['org']}").get_data(as_text=True)
    assert "membre@boulangerie.example.lu" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "obligatoire"),
        ({"full_name": "x" * 10_000}, "full_name", "120"),
        ({"full_name": "<script>alert(1)</script>"}, "full_name", "&lt; et &gt;"),
        ({"full_name": "Robert\x00"}, "full_name", "caractères de contrôle"),
        ({"email": ""}, "email", "obligatoire"),
        ({"email": "' OR 1=1 --"}, "email", "non valide"),
        ({"email": "a" * 10_000 + "@example.lu"}, "email", "254"),
        ({"email": "membre@boulangerie.example.lu"}, "email", "existe déjà"),
        ({"email": "MEMBRE@Boulangerie.example.lu"}, "email", "existe déjà"),
        ({"password": "court", "password_confirm": "court"}, "password", "10"),
        (
            {"password": "x" * 10_000, "password_confirm": "x" * 10_000},
            "password",
            "1024",
        ),
        (
            {"password_confirm": "autre chose"},
            "password_confirm",
            "ne correspondent pas",
        ),
        ({"org_name": ""}, "org_name", "nom"),
        ({"org_name": "BOULANGERIE  DU SUD"}, "org_name", "porte déjà ce nom"),
        ({"org_name": "'); DROP TABLE organisation; --"}, None, None),
        ({"nace_code": "99.99"}, "nace_code", "NACE"),
        ({"zone": "999999"}, "zone", "inconnue"),
        ({"mode": "join", "join_organisation": "0"}, "join_organisation", "liste"),
        ({"mode": "join", "join_organisation": "999999"}, "join_organisation", "liste"),
        ({"mode": "something"}, "mode", "valide"),
    ],
)
def test_register_bad_input(
    app: Flask,
    client: FlaskClient,
    world: dict[str, int],
    overrides: dict[str, str],
    field: str | None,
    message: str | None,
) -> None:
    before = _counts(app)
    response = client.post("/register", data=register_form(**overrides))
    if field is None:
        # SQL-looking text is just text: stored as typed, nothing else happens.
        assert response.status_code == 302
        with app.app_context():
            names = db.session.scalars(sa.select(Organisation.name)).all()
        assert "'); DROP TABLE organisation; --" in names
        return
    assert response.status_code == 400
    assert _counts(app) == before
    page = response.get_data(as_text=True)
    error_block = page.split(f'id="{field}-error"', 1)
    assert len(error_block) == 2, f"no error shown next to {field}"
    assert message in error_block[1].split("</div>", 1)[0]
    assert "<script>alert(1)</script>" not in page


def test_the_sign_up_lists_nace_classes_labelled_as_elsewhere(
    app: Flask, client: FlaskClient, world: dict[str, int]
) -> None:
    from symbiosis.models import NaceCode

    with app.app_context():
        db.session.add_all(
            [
                NaceCode(
                    code="01.11",
                    level="class",
                    label_en="Cereals",
                    label_fr="Céréales",
                    label_de="",
                ),
                NaceCode(code="01.13", level="class", label_en="Vegetables"),
            ]
        )
        db.session.commit()
        rows = db.session.scalars(sa.select(NaceCode).where(NaceCode.level == "class"))
        for nace in rows:
            for locale in ("fr", "en", "de", "lb"):
                shown = db.session.scalar(
                    sa.select(NaceCode.label_sql(locale)).where(
                        NaceCode.code == nace.code
                    )
                )
                assert shown == nace.label(locale), (nace.code, locale)
    page = client.get("/register").get_data(as_text=True)
    assert '<option value="01.11">01.11 · Céréales</option>' in page
    assert '<option value="01.13">01.13 · Vegetables</option>' in page
