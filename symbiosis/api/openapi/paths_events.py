"""Operations on matchmaking events: the list, one event, registering for it."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    BOOLEAN,
    ID,
    INTEGER,
    NUMBER,
    STRING,
    TIMESTAMP,
    Schema,
    answer,
    array,
    json_body,
    nullable,
    obj,
    operation,
    path_id,
    query,
)

EVENT_ID = path_id("event_id", "The event's id.")
NAMED = obj({"id": INTEGER, "name": STRING})
LINES = {
    "type": ["array", "string"],
    "items": STRING,
    "description": "One item a line (a list, or text with one line each).",
}

EVENT = obj(
    {
        "id": INTEGER,
        "title": STRING,
        "description": nullable(STRING),
        "starts_at": TIMESTAMP,
        "ends_at": TIMESTAMP,
        "place": nullable(STRING),
        "zone": nullable(NAMED),
        "themes": array(STRING),
        "tables": INTEGER,
        "rounds": INTEGER,
        "minutes_per_round": INTEGER,
        "pairs": STRING,
        "state": {
            "type": "string",
            "enum": ["draft", "open", "planned", "published", "held"],
        },
        "version": INTEGER,
        "registration_open": BOOLEAN,
        "past": BOOLEAN,
        "registrations": INTEGER,
    }
)

REGISTRATION = obj(
    {
        "organisation": NAMED,
        "offers": array(STRING),
        "seeks": array(STRING),
        "sdgs": array(INTEGER),
        "themes": array(STRING),
    }
)

PLAN = obj(
    {
        "rounds": array(
            obj(
                {
                    "round": INTEGER,
                    "starts_at": TIMESTAMP,
                    "ends_at": TIMESTAMP,
                    "meetings": array(
                        obj(
                            {
                                "table": INTEGER,
                                "a": STRING,
                                "b": STRING,
                                "score": {
                                    **nullable(NUMBER),
                                    "description": "Facilitators only.",
                                },
                                "reasons": array({}),
                            }
                        )
                    ),
                    "waiting": array(STRING),
                }
            )
        )
    },
    description="Shown once published, to facilitators and to participants.",
)

EVENTS_INDEX = operation(
    "listEvents",
    "Events",
    "Upcoming events (soonest first), then past ones (latest first)",
    {200: answer("The events.", obj({"events": array(EVENT)}))},
)

EVENTS_DETAIL = operation(
    "getEvent",
    "Events",
    "One event, the caller's registration and, once published, its plan",
    {
        200: answer(
            "The event.",
            {
                "allOf": [
                    EVENT,
                    obj(
                        {"registration": nullable(REGISTRATION), "plan": nullable(PLAN)}
                    ),
                ]
            },
        )
    },
    errors=(404,),
    parameters=[EVENT_ID],
)

EVENTS_REGISTER = operation(
    "registerForEvent",
    "Events",
    "Register an organisation, or change what it offers and seeks",
    {
        200: answer("The registration, changed.", REGISTRATION),
        201: answer(
            "The new registration.",
            REGISTRATION,
            headers={"Location": {"schema": STRING}},
        ),
    },
    description="Facilitators name any organisation with `organisation_id`; "
    "others register their own while registration is open.",
    errors=(400, 404, 409, 422),
    parameters=[EVENT_ID],
    body=json_body(
        obj(
            {
                "offers": LINES,
                "seeks": LINES,
                "sdgs": array({"type": "integer", "minimum": 1, "maximum": 17}),
                "themes": array(STRING),
                "organisation_id": ID,
            },
            required=[],
            additionalProperties=False,
            description="At least one offer or one need.",
        )
    ),
)

EVENTS_UNREGISTER = operation(
    "unregisterFromEvent",
    "Events",
    "Withdraw an organisation from an event",
    {204: answer("Withdrawn.")},
    errors=(404, 409, 422),
    parameters=[EVENT_ID, query("organisation_id", ID, "Facilitators only.")],
)

PATHS: dict[str, Schema] = {
    "/events": {"get": EVENTS_INDEX},
    "/events/{event_id}": {"get": EVENTS_DETAIL},
    "/events/{event_id}/registration": {
        "post": EVENTS_REGISTER,
        "delete": EVENTS_UNREGISTER,
    },
}
