"""Whole numbers from a URL or a form, kept within what the databases store.

A visitor can write any number into an address: ``/listings/99999999999999999999``
or ``?page=99999999999999999999``. Python reads it, then SQLite refuses it
("Python int too large to convert to SQLite INTEGER") and PostgreSQL refuses
an OFFSET beyond 64 bits: a 500 for a mistyped address. Here a number with
more digits than any id or page can have counts as no number at all:

- an ``<int:...>`` part of a path does not match, so the answer is 404;
- ``request.args.get(name, type=int)`` (and ``getlist``, and the same on
  ``request.form``) gives the default, as for ``?page=abc``.

Below the bound, ``(page - 1) * per_page`` with up to 1,000 per page still
fits a signed 64-bit OFFSET.
"""

from __future__ import annotations

from typing import Any

from flask.wrappers import Request
from werkzeug.datastructures import ImmutableDict, ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map

from symbiosis.static_files import VersionedStatic

LIMIT = 10**15


def whole_number(text: str) -> int:
    """``int(text)``, refusing (ValueError) a number of ``LIMIT`` or more."""
    value = int(text)
    if abs(value) >= LIMIT:
        raise ValueError(f"{text[:20]}… is out of range")
    return value


class BoundedArgs(ImmutableMultiDict[str, str]):
    """Query string and form fields whose ``type=int`` is ``whole_number``."""

    # One signature stands for ImmutableMultiDict's overloads.
    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        return super().get(key, default, whole_number if type is int else type)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        return super().getlist(key, whole_number if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedArgs


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` of at most 15 digits. The bound is in the pattern, not a
    ``max``: werkzeug checks a rule's methods before its converters, so with
    a ``max`` a longer number sent with another method than the rule's (two
    rules, one path) would be a 405 rather than a 404."""

    regex = r"\d{1,15}"


class BoundedMap(Map):
    default_converters = ImmutableDict(
        {**Map.default_converters, "int": BoundedIntegerConverter}
    )


class App(VersionedStatic):
    """Flask, its whole numbers from requests bounded, its static files kept
    a year when their address names their content (``static_files``)."""

    request_class = BoundedRequest
    url_map_class = BoundedMap
