import pytest

from symbiosis.errors import FieldErrors
from symbiosis.web.forms import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/organisations/3", "/organisations/3"),
        ("/zones/?page=2", "/zones/?page=2"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_keeps_only_local_paths(
    target: str | None, expected: str | None
) -> None:
    assert safe_next(target) == expected


def test_field_errors_as_json_names_each_field() -> None:
    error = FieldErrors([("email", "taken"), ("password", "too short")])
    assert error.as_json() == {
        "errors": [
            {"field": "email", "reason": "taken"},
            {"field": "password", "reason": "too short"},
        ]
    }


def test_quick_select_writes_the_html_wtforms_writes() -> None:
    from wtforms import Form, SelectChoice, SelectField

    from symbiosis.web.forms import LongSelectField

    choices = [
        SelectChoice(0, "— choose —"),
        SelectChoice(7, 'Fers & "Métaux" <SA>'),
        SelectChoice('a"b', "quoted value"),
        SelectChoice(True, ""),
        SelectChoice("x", "with attributes", render_kw={"disabled": True}),
    ]

    class Plain(Form):
        pick = SelectField(choices=choices, coerce=str)

    class Quick(Form):
        pick = LongSelectField(choices=choices, coerce=str)

    for chosen in ("7", 'a"b', "x", "True"):
        plain = Plain(data={"pick": chosen}).pick()
        assert Quick(data={"pick": chosen}).pick() == plain
        assert plain.count("selected") == 1
    assert "&amp; &#34;Métaux&#34; &lt;SA&gt;" in Quick().pick()
