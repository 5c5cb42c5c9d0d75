"""Logs with request ids: plain text, or one JSON object per line.

Every request gets an id: a sane incoming ``X-Request-ID`` (from a proxy or a
client), else a fresh one. It is sent back in the ``X-Request-ID`` header and
every log line written while the request runs carries it, with the method
and path; one access line per request adds the status and the duration.

``SYMBIOSIS_LOG_FORMAT=json`` writes JSON lines (``time``, ``level``,
``logger``, ``message``, ``request_id``, ``method``, ``path`` and, on the
access line, ``status`` and ``duration_ms``); anything else writes text.
``SYMBIOSIS_LOG_LEVEL`` (default ``INFO``) sets the level of the
``symbiosis`` loggers, which the handler is attached to.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

HEADER = "X-Request-ID"
LOGGER = "symbiosis"  # the app's logger (Flask names it after the package)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Ids from outside are kept when short and made of safe characters only
# (uuids, hex, ALB's "Root=1-..."): nothing that could forge a log line.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/@-]{0,127}", re.ASCII)
# Probes come every few seconds: their access lines are debug unless they fail.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})
FIELDS = ("request_id", "method", "path", "status", "duration_ms")


def request_id() -> str:
    """The current request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return str(g.request_id)


def logged_path(path: str, view_args: Mapping[str, object] | None) -> str:
    """The request's path as the logs keep it: a token in the path (a
    calendar's private address, a link sent by e-mail) grants access, so it
    is replaced by ``[token]``."""
    token = (view_args or {}).get("token")
    if isinstance(token, str) and token:
        return path.replace(token, "[token]")
    return path


class ServerRequestLine(logging.Filter):
    """The development server (``flask run``, so ``make run``) writes its own
    line for each request, after the request has ended: hide the token of
    its path there as well. Gunicorn writes no such line."""

    LINE = re.compile(r"(?P<method>[A-Z]+) (?P<path>/\S*) HTTP/")

    def __init__(self, url_map: Map) -> None:
        super().__init__()
        self.url_map = url_map

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            record.args = (self.hidden(args[0]), *args[1:])
        return True

    def hidden(self, line: str) -> str:
        found = self.LINE.search(line)
        if found is None:
            return line
        path = found["path"].split("?", 1)[0]
        try:
            _endpoint, view_args = self.url_map.bind("localhost").match(
                path, method=found["method"]
            )
        except HTTPException:
            return line
        return line.replace(path, logged_path(path, view_args), 1)


class RequestContext(logging.Filter):
    """Put the request id, method and path on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
            if not hasattr(record, "method"):
                record.method = request.method
                record.path = logged_path(request.path, request.view_args)
        elif not hasattr(record, "request_id"):
            record.request_id = "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                data[field] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _Stderr:
    """``sys.stderr`` as it is when a line is written (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler this module installs (recognised by its class)."""


def configure(app: Flask) -> None:
    """Attach the handler (once per process) and the request hooks of ``app``."""
    fmt = str(app.config.get("LOG_FORMAT") or "text").lower()
    logger = logging.getLogger(LOGGER)
    handler = next((h for h in logger.handlers if isinstance(h, _Handler)), None)
    if handler is None:
        handler = _Handler(_Stderr())
        handler.addFilter(RequestContext())
        logger.addHandler(handler)
    logger.removeHandler(default_handler)  # ours replaces Flask's
    server = logging.getLogger("werkzeug")
    for old in [f for f in server.filters if isinstance(f, ServerRequestLine)]:
        server.removeFilter(old)
    server.addFilter(ServerRequestLine(app.url_map))
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    )
    level = app.config.get("LOG_LEVEL")
    if level:
        logger.setLevel(str(level).upper())
    else:  # tests keep the library default (warnings) unless they ask
        logger.setLevel(logging.NOTSET if app.testing else logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    rid = request_id()
    response.headers[HEADER] = rid
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    quiet = request.path in QUIET_PATHS and response.status_code < 500
    path = logged_path(request.path, request.view_args)
    logging.getLogger(f"{LOGGER}.access").log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s %s %s ms",
        request.method,
        path,
        response.status_code,
        duration,
        extra={
            "request_id": rid,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration,
        },
    )
    return response
