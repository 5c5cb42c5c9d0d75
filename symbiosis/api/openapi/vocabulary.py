"""The few shapes every operation of the description repeats.

Operations are written with :func:`operation`; errors are named by status code
and point to one shared response each, so a new route costs a few lines.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

ERROR_RESPONSES = {
    400: ("BadRequest", "The body is not a JSON object, or a filter makes no sense."),
    401: ("Unauthorised", "No valid bearer token (or signed-in session)."),
    403: ("Forbidden", "The role or the organisation may not do this."),
    404: ("NotFound", "No such object, or one the caller may not see."),
    409: ("Conflict", "Not possible in the object's state, or a stale version."),
    413: ("TooLarge", "The uploaded file is too large."),
    422: ("Unprocessable", "Field-named problems; nothing was written."),
    429: ("TooManyRequests", "Too many attempts: wait and try again."),
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null (JSON Schema 2020-12, as OpenAPI 3.1 uses it)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    kinds = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    return {**schema, "type": kinds}


def obj(
    properties: dict[str, Schema], required: list[str] | None = None, **extra: Any
) -> Schema:
    """An object; every property is required unless ``required`` says otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
# RFC 3339: always with its offset (UTC, "+00:00"), whatever the database keeps.
TIMESTAMP: Schema = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 date and time in UTC, with its offset (+00:00).",
}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def json_content(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def path_id(name: str, description: str) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": ID,
        "example": 1,
    }


def query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def json_body(schema: Schema, *, required: bool = True) -> Schema:
    return {"required": required, "content": json_content(schema)}


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    responses: dict[int, Schema],
    *,
    errors: tuple[int, ...] = (),
    public: bool = False,
    description: str | None = None,
    parameters: list[Schema] | None = None,
    body: Schema | None = None,
) -> Schema:
    """One operation; signed-in ones may always answer 401 and 403."""
    codes = set(errors) if public else {401, 403, *errors}
    documented: dict[str, Schema] = {str(k): v for k, v in responses.items()}
    for code in sorted(codes):
        name = ERROR_RESPONSES[code][0]
        documented[str(code)] = {"$ref": f"#/components/responses/{name}"}
    op: Schema = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "responses": documented,
    }
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
    if public:
        op["security"] = []
    return op


def answer(description: str, schema: Schema | None = None, **extra: Any) -> Schema:
    """A success response; no schema means an empty body."""
    response: Schema = {"description": description, **extra}
    if schema is not None:
        response["content"] = json_content(schema)
    return response
