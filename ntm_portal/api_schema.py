"""The OpenAPI schema says every error the API can answer, not only the successes.

A drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``): each
operation that does not document them itself gets the answers ``ntm_portal.api_errors`` gives
— 400 where the request carries query parameters or a body (a filter or a field refused),
401 and 403 (signed out, or not allowed), 404 where the path names an object or a list is
paged (a page past the last), 429 (the rate limits) — each with the one error body. The schema tests check the answers against it.
"""

from __future__ import annotations

from drf_spectacular.hooks import postprocess_schema_enums

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail"],
}
DESCRIPTIONS = {
    "400": "Invalid values, keyed by field.",
    "401": "Not signed in (no session, or no valid token).",
    "403": "Signed in, but not allowed.",
    "404": "Does not exist or is outside your area.",
    "429": "Too many requests; try again later.",
}
METHODS = ("get", "post", "put", "patch", "delete")


def _errors_of(path: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    codes = ["401", "403", "429"]
    if any(p.get("in") == "query" for p in parameters) or "requestBody" in operation:
        codes.append("400")
    if "{" in path or any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
        codes.append("404")  # an object not found, or a page past the last
    return codes


def document_errors(result, generator, request, public):
    """Add the error answers to every operation of the schema (and keep the enum hook)."""
    result = postprocess_schema_enums(result, generator, request=request, public=public)
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in _errors_of(path, operation):
                responses.setdefault(
                    code,
                    {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                )
    return result
