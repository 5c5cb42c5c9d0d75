"""Operations on the signed-in user's followed searches of the listings."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    INTEGER,
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
)
from symbiosis.listing_words import KINDS, RESOURCES

FILTERS = obj(
    {
        "q": {
            "type": "string",
            "maxLength": 100,
            "description": "Words, accents ignored.",
        },
        "kind": {"type": "string", "enum": list(KINDS)},
        "resource": {"type": "string", "enum": list(RESOURCES)},
        "zone": {"type": "integer", "minimum": 1, "description": "A zone's id."},
        "chapter": {
            "type": "string",
            "pattern": "^[0-9]{2}$",
            "description": "A chapter of the European List of Waste.",
        },
        "within_km": {"type": "integer", "minimum": 1, "maximum": 200},
    },
    required=[],
    additionalProperties=False,
    minProperties=1,
    description="The filters of the listings page (GET /listings/), at least one.",
)

SAVED_SEARCH = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "filters": FILTERS,
        "link": {"type": "string", "description": "The listings page of the search."},
        "created_at": TIMESTAMP,
        "last_notice_at": nullable(TIMESTAMP),
    }
)

LIST = operation(
    "listSavedSearches",
    "Account",
    "The searches of the listings the signed-in user follows",
    {
        200: answer(
            "The followed searches.", obj({"saved_searches": array(SAVED_SEARCH)})
        )
    },
)

CREATE = operation(
    "followSearch",
    "Account",
    "Follow a search: once a day, hear of new listings it finds",
    {201: answer("The search followed.", SAVED_SEARCH)},
    errors=(400, 422),
    description=(
        "Each name and each set of filters once, 20 searches at most. Once a "
        "day the search looks at what other organisations posted since it "
        "last looked and sends one notification when it finds something."
    ),
    body=json_body(
        obj(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": 80},
                "filters": FILTERS,
            }
        )
    ),
)

DELETE = operation(
    "stopFollowingSearch",
    "Account",
    "Stop following a search",
    {204: answer("No longer followed.")},
    errors=(404,),
    parameters=[path_id("search_id", "The followed search's id.")],
)

PATHS: dict[str, Schema] = {
    "/saved-searches": {"get": LIST, "post": CREATE},
    "/saved-searches/{search_id}": {"delete": DELETE},
}
