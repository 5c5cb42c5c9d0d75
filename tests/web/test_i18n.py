"""symbiosis.i18n: Flask-Babel's behaviour, with the catalogue found once a request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, session
from flask_babel import Domain, force_locale, refresh

from symbiosis.i18n import gettext, lazy_gettext, ngettext


@contextmanager
def in_language(app: Flask, lang: str) -> Iterator[None]:
    with app.test_request_context("/"):
        session["lang"] = lang
        yield


def test_python_and_template_strings_follow_the_reader_language(app: Flask) -> None:
    later = lazy_gettext("Sign in")
    page = app.jinja_env.from_string(
        "{{ _('Sign in') }}|{% trans %}Sign in{% endtrans %}|{{ later }}"
    )
    for lang, word in (("fr", "Se connecter"), ("de", "Anmelden"), ("en", "Sign in")):
        with in_language(app, lang):
            assert gettext("Sign in") == word
            assert str(later) == word
            assert page.render(later=later) == f"{word}|{word}|{word}"


def test_plural_forms_and_variables(app: Flask) -> None:
    one, many = "%(quantity)s piece", "%(quantity)s pieces"
    page = app.jinja_env.from_string(
        "{{ ngettext(one, many, n, quantity=n) }}"
        "|{% trans count=n %}{{ count }} file{% pluralize %}{{ count }} files{% endtrans %}"
    )
    with in_language(app, "fr"):
        assert ngettext(one, many, 1, quantity=1) == "1 pièce"
        assert ngettext(one, many, 3, quantity=3) == "3 pièces"
        assert page.render(one=one, many=many, n=3) == "3 pièces|3 files"
        assert gettext("%(percent)s %%", percent=5) == "5 %"


def test_template_strings_escape_their_variables_unless_the_template_does_not(
    app: Flask,
) -> None:
    html = app.jinja_env.from_string("{{ _('Hello %(name)s, 100%%', name=who) }}")
    with in_language(app, "en"):
        assert html.render(who="<b>") == "Hello &lt;b&gt;, 100%"
        app.jinja_env.autoescape = False
        try:
            text = app.jinja_env.from_string("{{ _('Hello %(name)s', name=who) }}")
            assert text.render(who="<b>") == "Hello <b>"
        finally:
            app.jinja_env.autoescape = True


def test_force_locale_and_refresh_still_switch_within_a_request(app: Flask) -> None:
    with in_language(app, "fr"):
        assert gettext("Sign in") == "Se connecter"
        with force_locale("de"):
            assert gettext("Sign in") == "Anmelden"
        assert gettext("Sign in") == "Se connecter"
        session["lang"] = "en"
        assert gettext("Sign in") == "Se connecter"  # chosen once a request...
        refresh()
        assert gettext("Sign in") == "Sign in"  # ...unless refreshed


def test_the_catalogue_is_found_once_per_request(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    found: list[str] = []
    original = Domain.get_translations

    def counted(self: Domain) -> object:
        found.append("lookup")
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counted)
    page = app.jinja_env.from_string(
        "{% for i in range(50) %}{{ _('Sign in') }}{% endfor %}"
    )
    with in_language(app, "de"):
        for _ in range(50):
            gettext("Sign in")
        assert page.render() == "Anmelden" * 50
    assert found == ["lookup"]


def test_outside_a_request_strings_are_the_default_language(app: Flask) -> None:
    with app.app_context():
        assert gettext("Sign in") == "Se connecter"
    assert gettext("Sign in") == "Sign in"  # no app at all: untranslated


def test_french_elides_de_before_a_name_that_begins_with_a_vowel(
    app: Flask,
) -> None:
    from symbiosis.i18n import elided

    groups = "Working groups of %(zone)s"
    page = app.jinja_env.from_string(
        "{% autoescape true %}{{ _(groups, zone=zone) }}{% endautoescape %}"
    )
    with in_language(app, "fr"):
        for zone, title in (
            ("Eurohub Sud", "Groupes de travail d'Eurohub Sud"),
            ("Échternach", "Groupes de travail d'Échternach"),
            ("Contern", "Groupes de travail de Contern"),
            ("ZIC Foetz", "Groupes de travail de ZIC Foetz"),
        ):
            assert gettext(groups, zone=zone) == title
            assert page.render(groups=groups, zone=zone) == title
    # a name in markup is still escaped, and only a "de" before a name changes
    with in_language(app, "fr"):
        shown = page.render(groups=groups, zone="<Ettel>")
        assert shown == "Groupes de travail de &lt;Ettel&gt;"
    assert elided("De %(a)s, de %(b)s", {"a": "Esch", "b": "Orange"}) == (
        "D'%(a)s, d'%(b)s"
    )
    assert elided("Code %(x)s", {"x": "a"}) == "Code %(x)s"
    assert elided("Ende %(x)s", {"x": "a"}) == "Ende %(x)s"
    with in_language(app, "de"):
        assert gettext(groups, zone="Eurohub Sud") == "Arbeitsgruppen von Eurohub Sud"


def test_a_moment_reads_as_the_site_writes_dates_in_each_language(
    app: Flask,
) -> None:
    from datetime import datetime

    from symbiosis.formats import moment

    at = datetime(2026, 11, 28, 10, 20, 45)  # UTC: 11:20 in Luxembourg
    for lang, shown in (("de", "28.11.2026, 11:20"),
                        ("fr", "28 nov. 2026, 11:20"),
                        ("en", "Nov 28, 2026, 11:20\u202fAM")):  # fmt: skip
        with in_language(app, lang):
            assert moment(at).replace(" AM", "\u202fAM") == shown
            assert app.jinja_env.from_string("{{ t|datetimeformat }}").render(t=at) == (
                moment(at)
            )
    assert moment(None) == ""
