"""Domain errors raised by services and turned into messages by views and API."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A user-facing refusal; ``message`` is already translated."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this to this object."""


class StaleObject(DomainError):
    """The object changed since the user loaded it."""


class FieldErrors(DomainError):
    """One or more fields are invalid; nothing was written."""

    def __init__(self, errors: Iterable[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.errors))

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [{"field": f, "reason": m} for f, m in self.errors]}

    def apply_to(self, form: object) -> None:
        """Copy the messages onto the matching fields of a WTForms form."""
        for field_name, message in self.errors:
            field = getattr(form, field_name, None)
            if field is None:
                form_errors = getattr(form, "form_errors", None)
                if form_errors is not None:
                    form_errors.append(message)
                continue
            field.errors = [*field.errors, message]


class Forbidden(DomainError):
    """The actor is a party but may not take this step (e.g. answer itself)."""

    def __init__(self, message: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed = list(allowed)


class InvalidTransition(DomainError):
    """The state table has no such step from the current state."""

    def __init__(self, message: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.allowed = list(allowed)
