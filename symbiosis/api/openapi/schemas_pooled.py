"""Components of the description: the shapes of pooled services.

Apart from :mod:`symbiosis.api.openapi.schemas` (whose shared pieces they use)
so that each module stays short; choices are read from the code that enforces
them, as there.
"""

from __future__ import annotations

from symbiosis.agreement_fields import MAX_REASON
from symbiosis.api.openapi.schemas import NAMED, TEXT_LIMITS, choice
from symbiosis.api.openapi.vocabulary import (
    INTEGER,
    NUMBER,
    STRING,
    Schema,
    array,
    nullable,
    obj,
)
from symbiosis.listing_fields import MAX_TITLE
from symbiosis.pooled_fields import COST_SPLITS, MAX_COST, MAX_PARTICIPANTS
from symbiosis.workflow.pooled import PoolAction, PoolState
from symbiosis.workflow.pooled_categories import CATEGORIES

ZONE_REF = obj({"id": INTEGER, "slug": STRING, "name": STRING})

POOLED = obj(
    {
        "id": INTEGER,
        "zone": ZONE_REF,
        "category": choice(CATEGORIES),
        "title": STRING,
        "description": nullable(STRING),
        "state": choice(s.value for s in PoolState),
        "version": INTEGER,
        "target_participants": nullable(INTEGER),
        "estimated_cost": nullable(NUMBER),
        "cost_split": STRING,
        "cost_notes": nullable(STRING),
        "participants": array(obj({"organisation": NAMED, "commitment": STRING})),
        "allowed_actions": array(choice(a.value for a in PoolAction)),
    }
)

POOLED_INPUT = obj(
    {
        "zone": {
            "type": ["string", "integer"],
            "description": "The zone's slug or id.",
        },
        "category": choice(CATEGORIES),
        "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
        "description": nullable({"type": "string", **TEXT_LIMITS}),
        "target_participants": nullable(
            {"type": "integer", "minimum": 1, "maximum": MAX_PARTICIPANTS}
        ),
        "estimated_cost": nullable(
            {"type": "number", "minimum": 0, "maximum": MAX_COST}
        ),
        "cost_split": choice(COST_SPLITS),
        "cost_notes": nullable({"type": "string", **TEXT_LIMITS}),
    },
    required=["zone", "category", "title", "cost_split"],
    additionalProperties=False,
)

POOLED_STEP = obj(
    {
        "version": {**INTEGER, "description": "For approve, reject, start, close."},
        "reason": nullable({"type": "string", "maxLength": MAX_REASON}),
        "commitment": choice(("interested", "committed")),
    },
    required=[],
    description="`commitment` for enrol; `version` (and a `reason` to reject) "
    "for the manager's steps. `version` is a whole number: anything else is 422.",
)

POOLED_SCHEMAS: dict[str, Schema] = {
    "PooledService": POOLED,
    "PooledServiceInput": POOLED_INPUT,
    "PooledServiceStep": POOLED_STEP,
}
