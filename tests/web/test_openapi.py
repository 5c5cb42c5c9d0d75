"""The OpenAPI description: valid 3.1, complete, served, and browsable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from symbiosis import ROOT
from symbiosis.api.openapi import document

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def implemented(app: Flask) -> set[tuple[str, str]]:
    """(method, path) of every route under /api/v1, in OpenAPI's spelling."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in (rule.methods or set()) - IGNORED_METHODS:
            found.add((method, path))
    return found


def documented() -> set[tuple[str, str]]:
    paths = document()["paths"]
    return {(method.upper(), path) for path in paths for method in paths[path]}


def test_the_description_is_valid_openapi_3_1() -> None:
    spec = document()
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)  # raises on any error


def test_every_api_route_is_documented(app: Flask) -> None:
    missing = implemented(app) - documented()
    assert not missing, f"document these routes in symbiosis/api/openapi: {missing}"


def test_every_documented_operation_exists(app: Flask) -> None:
    extra = documented() - implemented(app)
    assert not extra, f"documented but not implemented: {extra}"


def test_every_api_v1_blueprint_rule_is_under_the_prefix(app: Flask) -> None:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api_v1.")]
    assert rules
    assert all(r.rule.startswith(PREFIX + "/") for r in rules)


def test_signed_in_operations_declare_the_bearer_token_and_401() -> None:
    spec = document()
    assert spec["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerToken"][
            "description"
        ],
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue  # public
            assert "401" in operation["responses"], (method, path)


def test_the_description_is_served_to_anyone(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == document()
    assert response.json["servers"] == [{"url": "/api/v1"}]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_docs_page_loads_the_vendored_ui_under_the_csp(
    client: FlaskClient, lang: str
) -> None:
    with client.session_transaction() as session:
        session["lang"] = lang
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    if lang == "en":
        assert "<title>API documentation · Symbiosis</title>" in page
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "/static/vendor/swagger-ui/swagger-ui.css" in page
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    assert "<script>" not in page  # no inline script: the CSP would block it
    assert not re.search(r"""(src|href)=["']https?://""", page)  # no CDN
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_the_vendored_ui_ships_with_its_licence(client: FlaskClient) -> None:
    folder = Path(ROOT) / "static" / "vendor" / "swagger-ui"
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "NOTICE"):
        assert (folder / name).is_file()
    response = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert response.status_code == 200
    response.close()
