"""Friendly HTML error pages, and JSON errors under ``/api/``."""

from __future__ import annotations

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from symbiosis.extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _reason(code: int) -> str:
    reasons = {
        400: _("The request could not be understood."),
        401: _("Sign in to continue."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This action is not possible here."),
        413: _("The file or form is too large."),
        429: _("Too many attempts. Wait a few minutes and try again."),
        500: _("Something went wrong on our side. The team has been told."),
    }
    return reasons.get(code, _("The request failed."))


def render_error(code: int, reason: str | None = None) -> tuple[Response | str, int]:
    reason = reason or _reason(code)
    if wants_json():
        return jsonify({"errors": [{"field": None, "reason": reason}]}), code
    return render_template("errors/error.html", code=code, reason=reason), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[Response | str, int]:
        return render_error(
            400,
            _("The form expired or came from elsewhere. Reload it and try again."),
        )

    @app.errorhandler(401)
    def _unauthorised(_error: HTTPException) -> ResponseReturnValue:
        if wants_json():
            return render_error(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response | str, int]:
        code = error.code or 500
        return render_error(code)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError) -> tuple[Response | str, int]:
        db.session.rollback()
        app.logger.error("unhandled error: %s", error.original_exception or error)
        return render_error(500)
