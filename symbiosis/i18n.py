"""Translation functions that find the request's catalogue once, not per string.

Flask-Babel looks the catalogue up again for every string it translates:
three lookups of the request context through Werkzeug's proxies, the locale
read the same way, its name rebuilt, then the cache keyed by that name. On
the 2-core bench machine that was about 20 µs a string (30 µs from a
template, whose newstyle gettext adds three ``Context.call``), and a page of
listings translates about 150 strings, so several milliseconds a page went on
finding the same catalogue again.

Here the catalogue found is kept on Flask-Babel's own per-request namespace
beside the locale object it was found for. ``refresh()`` drops that locale
and ``force_locale()`` replaces it, so either one makes the next string look
the catalogue up anew, as Flask-Babel does. The app imports ``gettext``,
``ngettext`` and ``lazy_gettext`` from here (ruff bans Flask-Babel's); they
behave as Flask-Babel's, and templates get the same through
:class:`RequestBabel`.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from babel import support
from flask import Flask, g
from flask_babel import Babel, Domain, get_domain
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

_KEPT = "symbiosis_catalogue"


def _babel_namespace() -> Any:
    """Flask-Babel's per-request namespace, or None before it or outside a context."""
    try:
        found = g._get_current_object()
    except RuntimeError:
        return None
    return found.__dict__.get("_flask_babel")


def _kept() -> support.NullTranslations | None:
    """The catalogue kept for this request, if still for the current locale."""
    ctx = _babel_namespace()
    kept = ctx.__dict__.get(_KEPT) if ctx is not None else None
    if kept is not None and kept[0] is ctx.__dict__.get("babel_locale"):
        return kept[1]  # type: ignore[no-any-return]
    return None


class RequestDomain(Domain):  # type: ignore[misc]
    """A domain that finds the catalogue once per locale and request."""

    def get_translations(self) -> support.NullTranslations:
        kept = _kept()
        if kept is not None:
            return kept
        found: support.NullTranslations = super().get_translations()
        ctx = _babel_namespace()  # Flask-Babel creates it on first use
        if ctx is not None and ctx.__dict__.get("babel_locale") is not None:
            setattr(ctx, _KEPT, (ctx.babel_locale, found))
        return found


def catalogue() -> support.NullTranslations:
    """The current request's catalogue (no translation outside a context)."""
    kept = _kept()
    if kept is not None:
        return kept
    return get_domain().get_translations()  # type: ignore[no-any-return]


# French elides "de" before a vowel: "les groupes de %(zone)s" must read
# "d'Eurohub Sud" but "de Contern". A translation cannot know the name it
# will be given, so the name decides when the string is filled.
_DE_NAME = re.compile(r"\b([Dd])e %\((\w+)\)s")
_VOWELS = frozenset("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜaeiouyàâäéèêëîïôöùûü")


def elided(found: str, variables: dict[str, Any]) -> str:
    """``found`` with ``de %(name)s`` written ``d'%(name)s`` where the value
    of ``name`` begins with a vowel."""
    if "e %(" not in found:
        return found

    def before(match: re.Match[str]) -> str:
        value = str(variables.get(match.group(2), ""))
        if value[:1] in _VOWELS:
            return f"{match.group(1)}'%({match.group(2)})s"
        return match.group(0)

    return _DE_NAME.sub(before, found)


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext``: translate, then fill ``%(name)s`` if given."""
    found: str = catalogue().ugettext(string)
    return elided(found, variables) % variables if variables else found


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext``: the form for ``num``, filled with ``num``."""
    variables.setdefault("num", num)
    found: str = catalogue().ungettext(singular, plural, num)
    return elided(found, variables) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A string translated each time it is shown, in the reader's language."""
    return LazyString(gettext, string, **variables)


# Templates: Jinja's newstyle gettext reaches the catalogue through three
# Context.call (a third of a page's translating). These do the same in one:
# the translation is trusted markup where the template escapes, and the
# variables given are escaped into it ("%%" is "%" either way).
def _filled(eval_ctx: EvalContext, found: str, variables: dict[str, Any]) -> str:
    if variables:
        found = elided(found, variables)
    if eval_ctx.autoescape:
        found = Markup(found)  # noqa: S704 - the catalogue is ours, as in Jinja  # nosec B704
    return found % variables if "%" in found else found


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    return _filled(eval_ctx, catalogue().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    return _filled(eval_ctx, catalogue().ungettext(singular, plural, num), variables)


class RequestBabel(Babel):  # type: ignore[misc]
    """Flask-Babel with a :class:`RequestDomain` and the fast template calls."""

    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        super().init_app(app, *args, **kwargs)
        # Flask-Babel installed the newstyle callables; _() and {% trans %}
        # resolve these names, so replacing them keeps the same compilation.
        app.jinja_env.globals.update(
            _=_template_gettext,
            gettext=_template_gettext,
            ngettext=_template_ngettext,
        )
