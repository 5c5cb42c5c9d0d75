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
