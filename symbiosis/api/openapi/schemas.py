"""Components of the description: the JSON shapes the API reads and writes.

Choices (units, states, actions…) are read from the code that enforces them,
so the description cannot drift from the rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from symbiosis.agreement_fields import MAX_CONDITIONS, MAX_REASON, TRANSPORT_BY
from symbiosis.api.openapi.vocabulary import (
    BOOLEAN,
    DATE,
    ERROR_RESPONSES,
    ID,
    INTEGER,
    NUMBER,
    STRING,
    TIMESTAMP,
    Schema,
    array,
    json_content,
    nullable,
    obj,
    ref,
)
from symbiosis.listing_fields import MAX_DESCRIPTION, MAX_DISTANCE_KM, MAX_TITLE
from symbiosis.listing_words import KINDS, PRICE_TERMS, RESOURCES
from symbiosis.units import Frequency, Unit
from symbiosis.workflow.agreement import AgreementAction, AgreementState
from symbiosis.workflow.listing import OWNER_ACTIONS, TRANSITIONS, ListingState


def choice(values: Iterable[object]) -> Schema:
    return {"type": "string", "enum": [str(v) for v in values]}


UNIT = choice(u.value for u in Unit)
FREQUENCY = choice(f.value for f in Frequency)
SDGS = array({"type": "integer", "minimum": 1, "maximum": 17})
NAMED = obj({"id": INTEGER, "name": STRING})
HIDDEN_NAMED = obj(
    {"id": nullable(INTEGER), "name": nullable(STRING)},
    description="id and name are null while the organisation stays anonymous.",
)
AMOUNT = {"type": "number", "exclusiveMinimum": 0, "maximum": 10**9}
TEXT_LIMITS = {"maxLength": MAX_DESCRIPTION}

ERRORS = obj(
    {
        "errors": array(
            obj(
                {
                    "field": nullable(STRING),
                    "reason": STRING,
                    "row": INTEGER,
                },
                required=["field", "reason"],
            )
        ),
        "allowed": array(STRING),
        "allowed_actions": array(STRING),
    },
    required=["errors"],
    description="Field-named problems. When a change of state is refused (409), "
    "`allowed` lists the states a listing may be set to from its own (values of "
    "its `state` field), `allowed_actions` the steps still possible.",
)

_LISTING_OUT: dict[str, Schema] = {
    "id": INTEGER,
    "kind": choice(KINDS),
    "resource": choice(RESOURCES),
    "title": STRING,
    "description": nullable(STRING),
    "ewc_code": nullable(STRING),
    "hazardous": BOOLEAN,
    "quantity": NUMBER,
    "unit": STRING,
    "frequency": STRING,
    "yearly_quantity": NUMBER,
    "base_unit": STRING,
    "available_from": DATE,
    "available_until": nullable(DATE),
    "lat": nullable(NUMBER),
    "lon": nullable(NUMBER),
    "location_approximate": BOOLEAN,
    "max_distance_km": nullable(INTEGER),
    "price_terms": STRING,
    "price_per_unit": nullable(NUMBER),
    "anonymous": BOOLEAN,
    "accepts_hazardous": BOOLEAN,
    "sdgs": SDGS,
    "themes": array(STRING),
    "state": choice(s.value for s in ListingState),
    "zone": nullable(NAMED),
    "organisation": nullable(NAMED),
}

LISTING = obj(
    _LISTING_OUT,
    required=[k for k in _LISTING_OUT if k != "themes"],  # themes: newer
    description="As the caller may see it: an anonymous listing of another "
    "organisation has no organisation and an approximate place.",
)

_LISTING_FIELDS: dict[str, Schema] = {
    "kind": {**choice(KINDS), "description": "French and German words work too."},
    "resource": choice(RESOURCES),
    "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
    "description": nullable({"type": "string", **TEXT_LIMITS}),
    "ewc_code": nullable(
        {"type": "string", "description": "Six digits: 150103 or 15 01 03."}
    ),
    "quantity": {**AMOUNT, "description": "At most four decimals."},
    "unit": UNIT,
    "frequency": FREQUENCY,
    "available_from": nullable(DATE),
    "available_until": nullable(DATE),
    "lat": nullable(NUMBER),
    "lon": nullable(NUMBER),
    "locality": nullable({"type": "string", "maxLength": 120}),
    "max_distance_km": nullable(
        {"type": "integer", "minimum": 1, "maximum": MAX_DISTANCE_KM}
    ),
    "price_terms": choice(PRICE_TERMS),
    "price_per_unit": nullable({"type": "number", "minimum": 0, "maximum": 10**7}),
    "anonymous": BOOLEAN,
    "accepts_hazardous": BOOLEAN,
    "sdgs": SDGS,
    "themes": {**array(STRING), "description": "Keys of the shared theme list."},
}

LISTING_INPUT = obj(
    {
        **_LISTING_FIELDS,
        "organisation_id": {
            **ID,
            "description": "Facilitators post for any organisation; others "
            "only for their own (another one is 403).",
        },
    },
    required=["kind", "resource", "title", "quantity", "unit", "frequency"],
    additionalProperties=False,
    description='Numbers and dates may also be sent as text ("1 234,5", '
    '"31/03/2027"); lat and lon go together and must be in or near Luxembourg.',
)

# The states an owner may set: where their steps (pause, resume...) lead.
SETTABLE_STATES = [
    s.value
    for s in ListingState
    if any(to is s and a in OWNER_ACTIONS for (_, a), to in TRANSITIONS.items())
]

LISTING_CHANGE = obj(
    {**_LISTING_FIELDS, "state": choice(SETTABLE_STATES)},
    required=[],
    additionalProperties=False,
    description="Only the fields to change; `state` pauses (`paused`), resumes "
    "or re-opens (`active`) or closes (`closed`). A state the listing cannot go "
    "to from its own is 409, with the states it can go to in `allowed`. The "
    "organisation stays the one the listing was posted for: `organisation_id` "
    "is 422.",
)

MATCH = obj(
    {
        "id": INTEGER,
        "offer": INTEGER,
        "request": INTEGER,
        "listing": obj(
            {
                "id": INTEGER,
                "kind": STRING,
                "title": STRING,
                "zone": nullable(STRING),
                "organisation": nullable(STRING),
            }
        ),
        "score": NUMBER,
        "distance_km": NUMBER,
        "parts": {"type": "object", "additionalProperties": True},
        "reasons": array(STRING),
        "reason_codes": array({"type": "object"}),
    },
    description="`listing` is the other side of the pair.",
)

_TERMS: dict[str, Schema] = {
    "quantity": AMOUNT,
    "unit": UNIT,
    "frequency": FREQUENCY,
    "start": DATE,
    "end": nullable(DATE),
    "price_terms": choice(PRICE_TERMS),
    "price_per_unit": nullable({"type": "number", "minimum": 0, "maximum": 10**7}),
    "transport_by": choice(TRANSPORT_BY),
    "conditions": nullable({"type": "string", "maxLength": MAX_CONDITIONS}),
}
# What agreement_fields.parse_terms requires; `price_per_unit` goes with
# "price_per_unit" terms (required with them, refused with the others).
TERMS_REQUIRED = [
    "quantity", "unit", "frequency", "start", "price_terms", "transport_by"
]  # fmt: skip
TERMS_NOTE = (
    "`price_per_unit` is required with `price_per_unit` terms and refused "
    "with the others."
)

AGREEMENT = obj(
    {
        "id": INTEGER,
        "state": choice(s.value for s in AgreementState),
        "version": INTEGER,
        "offer_id": INTEGER,
        "request_id": INTEGER,
        "match_id": nullable(INTEGER),
        "supplier": HIDDEN_NAMED,
        "receiver": HIDDEN_NAMED,
        "proposed_by": choice(("supplier", "receiver")),
        "quantity": NUMBER,
        "unit": STRING,
        "frequency": STRING,
        "start": DATE,
        "end": nullable(DATE),
        "price_terms": STRING,
        "price_per_unit": nullable(NUMBER),
        "transport_by": STRING,
        "conditions": nullable(STRING),
        "over_availability": BOOLEAN,
        "hazardous": BOOLEAN,
        "expires_on": nullable(DATE),
        "actual_quantity": nullable(NUMBER),
        "actual_unit": nullable(STRING),
        "allowed_actions": array(choice(a.value for a in AgreementAction)),
        "impact": obj(
            {
                "quantity": nullable(NUMBER),
                "base_unit": nullable(STRING),
                "transport_kg_co2e": nullable(NUMBER),
                "avoided_kg_co2e": nullable(NUMBER),
            },
            required=[],
            description="Empty until impact is recorded.",
        ),
    }
)

DELIVERY = obj(
    {
        "id": INTEGER,
        "delivered_on": DATE,
        "quantity": NUMBER,
        "unit": STRING,
        "note": nullable(STRING),
    }
)

AGREEMENT_DETAIL = {
    "allOf": [
        ref("Agreement"),
        obj(
            {
                "events": array(
                    obj(
                        {
                            "at": TIMESTAMP,
                            "action": STRING,
                            "from": nullable(STRING),
                            "to": STRING,
                            "by": nullable(HIDDEN_NAMED),
                            "comment": nullable(STRING),
                            "terms": nullable({"type": "object"}),
                        }
                    )
                ),
                "deliveries": array(ref("Delivery")),
            }
        ),
    ]
}

MESSAGE = obj(
    {"id": INTEGER, "at": TIMESTAMP, "by": nullable(HIDDEN_NAMED), "body": STRING}
)

PROPOSAL = obj(
    {
        "offer_id": ID,
        "request_id": ID,
        "match_id": nullable(ID),
        "confirm": {
            "type": "boolean",
            "description": "Propose more than the offer makes available.",
        },
        **_TERMS,
    },
    required=["offer_id", "request_id", *TERMS_REQUIRED],
    additionalProperties=False,
    description=TERMS_NOTE,
)

STEP = obj(
    {
        "version": {**INTEGER, "description": "The version last seen."},
        "reason": nullable({"type": "string", "maxLength": MAX_REASON}),
        "comment": nullable({"type": "string", "maxLength": MAX_REASON}),
        "confirm": BOOLEAN,
        "actual_quantity": AMOUNT,
        "actual_unit": UNIT,
        **_TERMS,
    },
    required=["version"],
    description="`reason` for decline, withdraw and terminate; new terms for "
    "counter (the terms a Proposal requires); the actual totals for complete. "
    "`version` is a whole number: anything else is 422.",
)

DELIVERY_INPUT = obj(
    {
        "delivered_on": DATE,
        "quantity": AMOUNT,
        "unit": UNIT,
        "note": nullable({"type": "string", "maxLength": MAX_REASON}),
    },
    required=["delivered_on", "quantity", "unit"],
)

SCHEMAS: dict[str, Schema] = {
    "Errors": ERRORS,
    "Listing": LISTING,
    "ListingInput": LISTING_INPUT,
    "ListingChange": LISTING_CHANGE,
    "Match": MATCH,
    "Agreement": AGREEMENT,
    "AgreementDetail": AGREEMENT_DETAIL,
    "Delivery": DELIVERY,
    "Message": MESSAGE,
    "Proposal": PROPOSAL,
    "AgreementStep": STEP,
    "DeliveryInput": DELIVERY_INPUT,
}

RESPONSES: dict[str, Schema] = {
    name: {"description": text, "content": json_content(ref("Errors"))}
    for name, text in ERROR_RESPONSES.values()
}
