"""The good-practice library over JSON: public, like its pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

from symbiosis.api.v1 import bp, field_errors
from symbiosis.authz import public
from symbiosis.errors import FieldErrors
from symbiosis.models import Practice
from symbiosis.models.base import as_utc
from symbiosis.services import practices as service


def serialise(practice: Practice) -> dict[str, Any]:
    return {
        "id": practice.id,
        "slug": practice.slug,
        "url": url_for("practices.detail", slug=practice.slug, _external=True),
        "title": practice.title,
        "summary": practice.summary,
        "category": practice.category,
        "language": practice.language,
        "time": practice.time,
        "difficulty": practice.difficulty,
        "cost": practice.cost,
        "steps": practice.step_list,
        "known_difficulties": practice.known_difficulties,
        "examples": practice.examples,
        "good_to_know": practice.good_to_know,
        "sdgs": [s.number for s in practice.sdgs],
        "created_at": as_utc(practice.created_at).isoformat(),
        "updated_at": as_utc(practice.updated_at).isoformat(),
    }


@bp.get("/practices")
@public
def practices_index() -> ResponseReturnValue:
    """List the practice sheets; filters as on the page, refused when senseless.

    Query: ``category``, ``sdg``, ``max_time``, ``max_difficulty``, ``max_cost``
    (1–3), ``language`` (fr, en, de) and ``q`` (words).
    """
    filters = service.PracticeFilters.from_args(request.args)
    if filters.problems:
        return field_errors(FieldErrors(filters.problems), 400)
    return jsonify(
        {"practices": [serialise(p) for p in service.list_practices(filters)]}
    )
