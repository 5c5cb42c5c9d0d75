"""Operations on the account, reference data, practices and figures."""

from __future__ import annotations

from symbiosis.api.openapi.vocabulary import (
    BOOLEAN,
    DATE,
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
    query,
)
from symbiosis.models.practice import LANGUAGES, SCALE
from symbiosis.models.user import MailNotices
from symbiosis.workflow.pooled_categories import CATEGORIES

SCALE_CHOICE: Schema = {"type": "string", "enum": [str(n) for n in SCALE]}

TOKEN = operation(
    "createToken",
    "Account",
    "Exchange an e-mail and a password for a bearer token",
    {
        201: answer(
            "The token, shown this once: send it as `Authorization: Bearer …`.",
            obj({"token": STRING, "id": INTEGER, "name": STRING}),
        )
    },
    errors=(400, 401, 429),
    public=True,
    body=json_body(
        obj(
            {
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string", "minLength": 1},
                "name": {"type": "string", "description": "A name for the token."},
            },
            required=["email", "password"],
        )
    ),
)

ME = operation(
    "getMe",
    "Account",
    "The signed-in user, their role and organisation",
    {
        200: answer(
            "The user.",
            obj(
                {
                    "id": INTEGER,
                    "email": STRING,
                    "full_name": STRING,
                    "locale": nullable(STRING),
                    "mail_notices": {
                        "type": "string",
                        "enum": [m.value for m in MailNotices],
                        "description": "How notices are e-mailed: each one, a "
                        "summary each morning or each Monday, or not at all.",
                    },
                    "role": {
                        "type": "string",
                        "enum": [
                            "facilitator",
                            "zone_manager",
                            "org_admin",
                            "member",
                            "none",
                        ],
                    },
                    "org_role": nullable(STRING),
                    "facilitator": BOOLEAN,
                    "manages_zones": array(obj({"id": INTEGER, "name": STRING})),
                    "organisation": nullable(
                        obj(
                            {
                                "id": INTEGER,
                                "name": STRING,
                                "kind": nullable(STRING),
                                "zone_id": nullable(INTEGER),
                            }
                        )
                    ),
                }
            ),
        )
    },
)

ZONES = operation(
    "listZones",
    "Reference",
    "The business zones, with their approximate points",
    {
        200: answer(
            "Zones by name.",
            obj(
                {
                    "zones": array(
                        obj(
                            {
                                "id": INTEGER,
                                "slug": STRING,
                                "name": STRING,
                                "commune": STRING,
                                "lat": NUMBER,
                                "lon": NUMBER,
                            }
                        )
                    )
                }
            ),
        )
    },
    public=True,
)

EWC = operation(
    "searchWasteCodes",
    "Reference",
    "Search the European List of Waste by code or words (fr, en, de)",
    {
        200: answer(
            "At most 50 codes, in the caller's language.",
            obj(
                {
                    "codes": array(
                        obj(
                            {
                                "code": STRING,
                                "display": STRING,
                                "label": STRING,
                                "hazardous": BOOLEAN,
                                "chapter": STRING,
                            }
                        )
                    )
                }
            ),
        )
    },
    description="Codes whose labels hold all the words come first, in code "
    "order; then those of the material the words name in the lexicon "
    '("Karton", "Altöl", "palettes"), or of its family when the List of Waste '
    "has no code for it (pallets: wood).",
    errors=(422,),
    parameters=[query("q", STRING, 'A code ("15 01") or words.')],
)

PRACTICES = operation(
    "listPractices",
    "Practices",
    "The good-practice sheets, filtered as on the page",
    {
        200: answer(
            "The sheets.",
            obj(
                {
                    "practices": array(
                        obj(
                            {
                                "id": INTEGER,
                                "slug": STRING,
                                "url": {"type": "string", "format": "uri"},
                                "title": STRING,
                                "summary": STRING,
                                "category": STRING,
                                "language": STRING,
                                "time": INTEGER,
                                "difficulty": INTEGER,
                                "cost": INTEGER,
                                "steps": array(STRING),
                                "known_difficulties": nullable(STRING),
                                "examples": nullable(STRING),
                                "good_to_know": nullable(STRING),
                                "sdgs": array(INTEGER),
                                "created_at": TIMESTAMP,
                                "updated_at": TIMESTAMP,
                            }
                        )
                    )
                }
            ),
        )
    },
    description="A filter that makes no sense is refused with 400, naming it.",
    errors=(400, 422),
    public=True,
    parameters=[
        query("category", {"type": "string", "enum": list(CATEGORIES)}, "Category."),
        query("sdg", {"type": "integer", "minimum": 1, "maximum": 17}, "An SDG."),
        query("max_time", SCALE_CHOICE, "Time needed, at most (1–3)."),
        query("max_difficulty", SCALE_CHOICE, "Difficulty, at most (1–3)."),
        query("max_cost", SCALE_CHOICE, "Cost, at most (1–3)."),
        query("language", {"type": "string", "enum": list(LANGUAGES)}, "Language."),
        query("q", STRING, "Words."),
    ],
)

STATS = operation(
    "getStats",
    "Figures",
    "Key figures and impact of a zone (or of all, for facilitators)",
    {
        200: answer(
            "Figures of the period; impact by evidence level, then base unit.",
            obj(
                {
                    "zone": nullable(
                        obj({"id": INTEGER, "slug": STRING, "name": STRING})
                    ),
                    "from": DATE,
                    "to": DATE,
                    "kpis": obj(
                        {
                            "listings": {"type": "object"},
                            "matches": {"type": "object"},
                            "agreements": {"type": "object"},
                            "funnel": {"type": ["object", "array"]},
                            "pooled": {"type": "object"},
                            "organisations_active": INTEGER,
                            "partnerships": obj(
                                {
                                    "signed": INTEGER,
                                    "hours": nullable(NUMBER),
                                    "pieces": nullable(NUMBER),
                                    "eur": nullable(NUMBER),
                                }
                            ),
                        }
                    ),
                    "impact": {"type": "object"},
                    "computed_at": {
                        **nullable(TIMESTAMP),
                        "description": "When the figures come from a stored "
                        "snapshot: when it was computed.",
                    },
                },
                required=["zone", "from", "to", "kpis", "impact"],
            ),
        )
    },
    description="Zone managers see their zones; facilitators every zone.",
    errors=(422,),
    parameters=[
        query("zone", STRING, "The zone's slug or id (facilitators may omit it)."),
        query("from", DATE, "First day (default: a year before `to`)."),
        query("to", DATE, "Last day (default: today)."),
    ],
)

_SIDE = obj({"listings": INTEGER, "organisations": INTEGER, "yearly": NUMBER})
_PARTY = obj({"id": nullable(INTEGER), "name": nullable(STRING), "in_zone": BOOLEAN})

DIAGNOSTIC = operation(
    "getZoneDiagnostic",
    "Figures",
    "A zone's flows by material and between organisations (yearly, base units)",
    {
        200: answer(
            "The diagnostic.",
            obj(
                {
                    "zone": obj({"id": INTEGER, "slug": STRING, "name": STRING}),
                    "materials": array(
                        obj(
                            {
                                "key": STRING,
                                "label": STRING,
                                "unit": STRING,
                                "out": _SIDE,
                                "in": _SIDE,
                            }
                        )
                    ),
                    "totals": array(obj({"unit": STRING, "out": NUMBER, "in": NUMBER})),
                    "flows": array(
                        obj(
                            {
                                "kind": {
                                    "type": "string",
                                    "enum": ["agreement", "match"],
                                },
                                "id": INTEGER,
                                "supplier": _PARTY,
                                "receiver": _PARTY,
                                "material": obj({"key": STRING, "label": STRING}),
                                "unit": STRING,
                                "yearly": NUMBER,
                                "state": nullable(STRING),
                                "score": nullable(NUMBER),
                            },
                            required=[
                                "kind",
                                "id",
                                "supplier",
                                "receiver",
                                "material",
                                "unit",
                                "yearly",
                            ],
                        )
                    ),
                    "not_comparable_matches": INTEGER,
                }
            ),
        )
    },
    errors=(404,),
    parameters=[
        {
            "name": "zone_slug",
            "in": "path",
            "required": True,
            "description": "The zone's slug.",
            "schema": STRING,
            "example": "belval",
        }
    ],
)

OPENAPI = operation(
    "getOpenApi",
    "Reference",
    "This description (OpenAPI 3.1)",
    {200: answer("The document.", {"type": "object"})},
    public=True,
)

PATHS: dict[str, Schema] = {
    "/auth/token": {"post": TOKEN},
    "/auth/me": {"get": ME},
    "/zones": {"get": ZONES},
    "/reference/ewc": {"get": EWC},
    "/practices": {"get": PRACTICES},
    "/stats": {"get": STATS},
    "/zones/{zone_slug}/diagnostic": {"get": DIAGNOSTIC},
    "/openapi.json": {"get": OPENAPI},
}
