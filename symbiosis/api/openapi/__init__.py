"""The OpenAPI 3.1 description of ``/api/v1``, assembled once from its parts.

One module per group of operations (``paths_*``), the shared shapes in
``schemas`` (those of pooled services in ``schemas_pooled``);
``tests/web/test_openapi.py`` fails when a route of the API is missing here,
or documented here without existing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from symbiosis.api.openapi import (
    paths_deals,
    paths_events,
    paths_listings,
    paths_notifications,
    paths_reference,
    paths_searches,
)
from symbiosis.api.openapi.schemas import RESPONSES, SCHEMAS
from symbiosis.api.openapi.schemas_pooled import POOLED_SCHEMAS

VERSION = "1.0.0"

DESCRIPTION = """\
The JSON API of Symbiosis, the industrial-symbiosis platform of Luxembourg's
business zones. It uses the same rules as the web pages.

Get a token with `POST /auth/token` (or on the account page) and send it as
`Authorization: Bearer <token>`. Every answer is JSON; errors read
`{"errors": [{"field": "quantity", "reason": "…"}]}`, `field` being null when
the problem is not one field's. Texts come in the user's language.
"""

TAGS = [
    ("Account", "Tokens, the signed-in user and their notifications."),
    ("Reference", "Zones, waste codes and this description."),
    ("Listings", "Offers and requests of resources."),
    ("Matches", "Offers and requests that fit together."),
    ("Agreements", "Exchanges agreed between two organisations."),
    ("Pooled services", "Services shared by the organisations of a zone."),
    ("Events", "Matchmaking events and registering for them."),
    ("Practices", "The good-practice library."),
    ("Figures", "Key figures, impact and zone diagnostics."),
]


@cache
def document() -> dict[str, Any]:
    """Return the description (built on first use; treat it as read-only)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Symbiosis API",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": {
            **paths_reference.PATHS,
            **paths_listings.PATHS,
            **paths_deals.PATHS,
            **paths_events.PATHS,
            **paths_notifications.PATHS,
            **paths_searches.PATHS,
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `POST /auth/token`, "
                    "starting with `sym_`.",
                }
            },
            "schemas": {**SCHEMAS, **POOLED_SCHEMAS},
            "responses": RESPONSES,
        },
    }
