"""Operations on listings and their matches."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    BOOLEAN,
    ID,
    INTEGER,
    STRING,
    Schema,
    answer,
    array,
    json_body,
    nullable,
    obj,
    operation,
    path_id,
    query,
    ref,
)
from symbiosis.listing_words import KINDS, RESOURCES
from symbiosis.services.listing_search import MAX_DISTANCE_FILTER
from symbiosis.services.saved_searches import MAX_WORDS

LISTING_ID = path_id("listing_id", "The listing's id.")

LISTINGS_INDEX = operation(
    "listListings",
    "Listings",
    "Search the active listings the caller may see, newest first",
    {
        200: answer(
            "One page of listings.",
            obj(
                {
                    "listings": array(ref("Listing")),
                    "total": INTEGER,
                    "page": INTEGER,
                    "pages": INTEGER,
                }
            ),
        )
    },
    description="The filters are those of a followed search (`POST "
    "/saved-searches`), checked the same way: a value the list has not (an "
    "unknown kind, a zone that does not exist, a distance out of range…) is "
    "422 naming the parameter. An empty value filters nothing.",
    errors=(422,),
    parameters=[
        query("kind", {"type": "string", "enum": list(KINDS)}, "Offers or requests."),
        query("resource", {"type": "string", "enum": list(RESOURCES)}, "Resource."),
        query("zone", ID, "A zone's id."),
        query("chapter", {"type": "string", "pattern": "^[0-9]{2}$"}, "EWC chapter."),
        query("q", {"type": "string", "maxLength": MAX_WORDS}, "Words."),
        query(
            "within_km",
            {"type": "integer", "minimum": 1, "maximum": MAX_DISTANCE_FILTER},
            f"Near the caller's site (1–{MAX_DISTANCE_FILTER} km).",
        ),
        query("page", INTEGER, "Page number (from 1)."),
        query("per_page", INTEGER, "Listings per page (1–100)."),
    ],
)

LISTINGS_CREATE = operation(
    "createListing",
    "Listings",
    "Post an offer or a request for the caller's organisation",
    {
        201: answer(
            "The new listing; `Location` gives its address.",
            ref("Listing"),
            headers={"Location": {"schema": STRING}},
        )
    },
    errors=(400, 422),
    body=json_body(ref("ListingInput")),
)

LISTINGS_DETAIL = operation(
    "getListing",
    "Listings",
    "One listing",
    {200: answer("The listing.", ref("Listing"))},
    errors=(404,),
    parameters=[LISTING_ID],
)

LISTINGS_UPDATE = operation(
    "updateListing",
    "Listings",
    "Change a listing of the caller's organisation, or its state",
    {200: answer("The listing as changed.", ref("Listing"))},
    errors=(400, 404, 409, 422),
    parameters=[LISTING_ID],
    body=json_body(ref("ListingChange")),
)

LISTINGS_DELETE = operation(
    "deleteListing",
    "Listings",
    "Delete a listing that no agreement refers to",
    {204: answer("Deleted.")},
    errors=(404, 409),
    parameters=[LISTING_ID],
)

LISTINGS_IMPORT = operation(
    "importListings",
    "Listings",
    "Import listings from a CSV or XLSX file, all or nothing",
    {
        201: answer(
            "Every row was imported.",
            obj(
                {
                    "created": INTEGER,
                    "errors": array(
                        obj(
                            {
                                "row": INTEGER,
                                "field": nullable(STRING),
                                "reason": STRING,
                            }
                        )
                    ),
                }
            ),
        )
    },
    description="A file with bad rows imports nothing and answers 422 with a "
    "report naming each row and column.",
    errors=(400, 413, 422),
    body={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": obj(
                    {
                        "file": {"type": "string", "contentMediaType": "text/csv"},
                        "organisation_id": {
                            "type": "integer",
                            "description": "Facilitators: import for this one.",
                        },
                    },
                    required=["file"],
                )
            }
        },
    },
)

MATCHES = operation(
    "listListingMatches",
    "Matches",
    "The matches of one of the caller's listings, best first",
    {200: answer("The matches.", obj({"matches": array(ref("Match"))}))},
    errors=(404,),
    parameters=[LISTING_ID],
)

DISMISS = operation(
    "dismissMatch",
    "Matches",
    "Dismiss a match so that it is no longer proposed",
    {
        200: answer(
            "Dismissed.",
            obj({"id": INTEGER, "dismissed": BOOLEAN, "reason": nullable(STRING)}),
        )
    },
    errors=(404, 422),
    parameters=[path_id("match_id", "The match's id.")],
    body=json_body(
        obj({"reason": nullable({"type": "string", "maxLength": 1000})}, required=[]),
        required=False,
    ),
)

RESTORE = operation(
    "restoreMatch",
    "Matches",
    "Propose a dismissed match again",
    {200: answer("Proposed again.", obj({"id": INTEGER, "dismissed": BOOLEAN}))},
    errors=(403, 404),
    parameters=[path_id("match_id", "The match's id.")],
)

PATHS: dict[str, Schema] = {
    "/listings": {"get": LISTINGS_INDEX, "post": LISTINGS_CREATE},
    "/listings/{listing_id}": {
        "get": LISTINGS_DETAIL,
        "patch": LISTINGS_UPDATE,
        "delete": LISTINGS_DELETE,
    },
    "/listings/import": {"post": LISTINGS_IMPORT},
    "/listings/{listing_id}/matches": {"get": MATCHES},
    "/matches/{match_id}/dismiss": {"post": DISMISS},
    "/matches/{match_id}/restore": {"post": RESTORE},
}
