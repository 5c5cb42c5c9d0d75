"""Friendly HTML error pages, and JSON errors under ``/api/``.

A database that cannot be reached (restarting, failing over, out of
connections) answers 503 with ``Retry-After``, never a 500. Services commit
once, so a request cut short wrote all or nothing; an API client that sends
it again with the same ``Idempotency-Key`` is safe either way.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from symbiosis.extensions import db, login_manager
from symbiosis.i18n import gettext as _

RETRY_AFTER_SECONDS = 5
# SQLAlchemy's code for "Can't reconnect until invalid transaction is rolled
# back": the connection died under the session (its other pending-rollback
# code, after a failed flush, is a bug of ours and stays a 500).
RECONNECT_PENDING = "8s2b"


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is out of reach, not that a query is wrong.

    Lost or refused connections, a server shutting down, an exhausted pool, a
    statement or lock timeout, a serialization failure: each passes if sent
    again later.
    """
    if isinstance(error, sa.exc.TimeoutError):  # no free connection in the pool
        return True
    if isinstance(error, sa.exc.PendingRollbackError):
        return error.code == RECONNECT_PENDING
    if isinstance(error, sa.exc.DBAPIError):
        return error.connection_invalidated or isinstance(
            error, sa.exc.OperationalError | sa.exc.InterfaceError
        )
    return False


def wants_json() -> bool:
    return request.path.startswith("/api/")


def page_above(path: str) -> str | None:
    """The nearest address above ``path`` that shows a page (GET):
    ``/agreements/5/deliveries`` → ``/agreements/5``."""
    adapter = current_app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        above = "/".join(parts)
        for candidate in (f"{above}/", above) if above else ("/",):
            try:
                adapter.match(candidate, method="GET")
            except HTTPException:  # none, another method, or a slash to add
                continue
            return candidate
    return None


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
        503: _("The service is briefly unavailable. Try again in a few seconds."),
    }
    return reasons.get(code, _("The request failed."))


def render_error(code: int, reason: str | None = None) -> tuple[Response | str, int]:
    reason = reason or _reason(code)
    if wants_json():
        return jsonify({"errors": [{"field": None, "reason": reason}]}), code
    return render_template("errors/error.html", code=code, reason=reason), code


def register(app: Flask) -> None:
    # Runs before Flask-SQLAlchemy's own teardown (the last registered runs
    # first), which then finds the session already closed.
    @app.teardown_appcontext
    def _close_session(_error: BaseException | None) -> None:
        _end_session(app)

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

    @app.errorhandler(MethodNotAllowed)
    def _get_of_a_form(_error: MethodNotAllowed) -> ResponseReturnValue:
        # A form's address shown after its errors, then reloaded, bookmarked
        # or switched to another language: lead to the page the form is on.
        if request.method == "GET" and not wants_json():
            page = page_above(request.path)
            if page is not None:
                return redirect(page, 303)
        return render_error(405)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError) -> ResponseReturnValue:
        cause = error.original_exception
        if cause is not None and database_unavailable(cause):
            return _unavailable(cause)
        db.session.rollback()
        app.logger.error("unhandled error: %s", cause or error)
        return render_error(500)

    # Flask looks handlers up along the exception's classes: DBAPIError covers
    # OperationalError and InterfaceError, TimeoutError the exhausted pool.
    @app.errorhandler(sa.exc.DBAPIError)
    @app.errorhandler(sa.exc.TimeoutError)
    @app.errorhandler(sa.exc.PendingRollbackError)
    def _database(error: sa.exc.SQLAlchemyError) -> ResponseReturnValue:
        if database_unavailable(error):
            return _unavailable(error)
        # A wrong query, not an outage: Flask's usual path (the traceback is
        # logged, tests see the exception, users get the 500 page).
        raise error

    def _unavailable(error: BaseException) -> ResponseReturnValue:
        _forget_request_state()
        cause = str(getattr(error, "orig", None) or error).strip()
        app.logger.warning(
            "database unavailable, answering 503: %s: %s",
            type(error).__name__,
            cause.splitlines()[0] if cause else "",
        )
        try:
            body, code = render_error(503)
            response = make_response(body, code)
        except sa.exc.SQLAlchemyError:  # the page itself needed the database
            response = make_response(_plain_page(503, _reason(503)), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _forget_request_state() -> None:
    """Drop the failed transaction; show the error page as to a visitor.

    The user could not be loaded, or was loaded by a transaction that is
    gone: reading it again would need the database that just failed.
    """
    with contextlib.suppress(sa.exc.SQLAlchemyError):  # the connection is gone
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()


def _end_session(app: Flask) -> None:
    """Close the request's session even when the database has just gone away.

    Closing rolls back what was not committed; if the server died since the
    view ended, that rollback fails although there is nothing left to undo,
    and the response already made (a page, a 503) must still go out.
    """
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError as error:
        if not database_unavailable(error):
            raise
        app.logger.warning(
            "database gone while closing the session: %s",
            getattr(error, "orig", None) or error,
        )
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            db.session.remove()  # the dead connection is invalidated by now
        db.session.registry.clear()


def _plain_page(code: int, reason: str) -> str:
    """A page that needs neither the database nor the site's layout."""
    return (
        f"<!doctype html><meta charset=utf-8><title>{code}</title>"
        f"<h1>{code}</h1><p>{escape(reason)}</p>"
    )
