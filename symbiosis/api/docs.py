"""The API's description, as JSON for tools and as a page for people."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue

from symbiosis.api.openapi import document
from symbiosis.authz import public

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    """Serve the OpenAPI 3.1 description of ``/api/v1``."""
    return jsonify(document())


@bp.get("/api/docs")
@public
def docs() -> str:
    """Browse the description with Swagger UI (vendored: no CDN)."""
    return render_template("api/docs.html", spec_url=url_for(".openapi"))
