"""What every operation of the API may answer besides its success, written into the schema."""

from typing import Any

ERRORS = {
    "400": ("A filter or parameter could not be read; the body names each one.", "Invalid"),
    "401": ("No token, or a bad or expired one (see WWW-Authenticate).", "ErrorDetail"),
    "403": ("Signed in, but this resource is not for your role.", "ErrorDetail"),
    "404": ("No such record in your scope, or no such page.", "ErrorDetail"),
    "429": ("Too many requests: wait the seconds in Retry-After.", "ErrorDetail"),
}
BAD_BODY = (
    "The body was refused: each field named with what was wrong with it, in the words of the "
    "page's form (or one detail, for a body that is not JSON)."
)
# Besides those, a change (PATCH, PUT) and a creation that may carry an Idempotency-Key.
CHANGE_ERRORS = {
    "412": ("Someone changed the record since the ETag you sent: read it again.", "ErrorDetail"),
    "428": ("No If-Match header: send the ETag you read with the record.", "ErrorDetail"),
}
# A 412 names the version the record has now.
CURRENT_ETAG = {
    "ETag": {
        "schema": {"type": "string", "pattern": r'^"[0-9]+"$'},
        "required": True,
        "description": "The record's version now: send it in If-Match once your change "
        "takes account of what changed.",
    }
}
KEYED_ERRORS = {
    "422": ("This Idempotency-Key was used for another request.", "ErrorDetail"),
}


def document_errors(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: each operation lists the error answers it can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["Invalid"] = {
        "type": "object",
        "description": "Each parameter that could not be read, with what was wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            errors = dict(ERRORS)
            if method in ("patch", "put"):
                errors |= CHANGE_ERRORS
            if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
                errors |= KEYED_ERRORS
            for status, (description, component) in errors.items():
                schema: dict[str, Any] = {"$ref": f"#/components/schemas/{component}"}
                if status == "400" and "requestBody" in operation:
                    # A body that is not JSON at all is answered with one detail, not by field.
                    description = BAD_BODY
                    schema = {"anyOf": [schema, {"$ref": "#/components/schemas/ErrorDetail"}]}
                answer: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": schema}},
                }
                if status == "412":
                    answer["headers"] = CURRENT_ETAG
                responses.setdefault(status, answer)
    return result
