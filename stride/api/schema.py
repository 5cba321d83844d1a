"""What every operation of the API may answer besides its success, written into the schema."""

from typing import Any

ERRORS = {
    "400": ("A filter or parameter could not be read; the body names each one.", "Invalid"),
    "401": ("No token, or a bad or expired one (see WWW-Authenticate).", "ErrorDetail"),
    "403": ("Signed in, but this resource is not for your role.", "ErrorDetail"),
    "404": ("No such record in your scope, or no such page.", "ErrorDetail"),
    "429": ("Too many requests: wait the seconds in Retry-After.", "ErrorDetail"),
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
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, (description, component) in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    return result
