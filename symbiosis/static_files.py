"""Static files: addresses that change with their content, kept a year.

Every address ``url_for("static", ...)`` builds carries ``v``, the start of
the file's SHA-256. A browser keeps such a file for a year without asking
again, and a changed file gets a new address, so pages never run with a
stale script or style. An address without ``v`` (typed by hand, or kept
from an older page) is checked at each use, as Flask does by default.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
# (path, size, modification time) → fingerprint: a file edited while the
# development server runs gets a new one at once.
_seen: dict[tuple[str, int, int], str] = {}


def fingerprint(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256; None for no such file."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    found = _seen.get(key)
    if found is None:
        with open(path, "rb") as handle:
            found = hashlib.file_digest(handle, "sha256").hexdigest()[:12]
        _seen[key] = found
    return found


def configure(app: Flask) -> None:
    """Put ``v`` on the app's static addresses."""

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, object]) -> None:
        if endpoint != "static" or "v" in values or app.static_folder is None:
            return
        filename = values.get("filename")
        if isinstance(filename, str):
            found = fingerprint(app.static_folder, filename)
            if found:
                values["v"] = found


class VersionedStatic(Flask):
    """Flask, sending a static file under an address with ``v`` to be kept
    a year; any other address gets Flask's default."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        default = super().get_send_file_max_age(filename)
        return ONE_YEAR if request.args.get("v") else default
