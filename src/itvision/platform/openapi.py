"""The OpenAPI document says what the API does, so that a client generated from it works as
generated (and schemathesis, run in the test suite, finds nothing to object to).

FastAPI documents the success answer and a 422 of its own shape; what this module adds to the
document it generates, once, derived from each route:

- the errors every operation may answer, as `application/problem+json` `Problem`s: 401/403
  where a route admits only some roles, 422 where it takes inputs, 404 where a path names a
  record or a body refers to one, 409 where it changes state, 400/413/415 where it reads a body;
  a route declares more with `responses=may_answer(…)` (a public route that is stricter for
  some inputs);
- a token required only by the routes that need one: FastAPI marks every route that reads one
  as needing it, even an open one, where it is optional (`security: [{}, {HTTPBearer: []}]`:
  it may show more, and an unknown one is a 401).

What a body's fields accept (nullability, steps, exclusions) is said by the models themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

PROBLEM_MEDIA_TYPE = "application/problem+json"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

WHY: dict[int, str] = {
    400: "The body cannot be read (not UTF-8, not JSON, nested too deeply)",
    401: "No token, or a token that is unknown, revoked or expired",
    403: "The caller's role may not do this",
    404: "No such record (or not one the caller may see)",
    409: "The change conflicts with the current state (taken, used, not enough stock…)",
    413: "The body is larger than this route accepts",
    415: "The body is not in a media type this route reads",
    422: "An input is invalid; `field` names it",
    503: "Not ready: a dependency is unreachable",
}


class FieldProblem(BaseModel):
    field: str = Field(description="Where: `body.lines.0.sku`, `query.limit`, `path.sku`")
    message: str
    type: str


def _no_defaults(schema: dict[str, Any]) -> None:
    for field in schema.get("properties", {}).values():
        field.pop("default", None)  # absent, never null


class Problem(BaseModel):
    """An error, as RFC 9457 describes it, with a stable `code` and the offending `field`."""

    model_config = ConfigDict(json_schema_extra=_no_defaults)

    type: str = Field(examples=["urn:itvision:problem:validation_error"])
    title: str
    status: int
    code: str = Field(description="Stable, for programs: `not_found`, `validation_error`…")
    detail: str = Field(description="For people")
    field: str | SkipJsonSchema[None] = Field(
        default=None, description="The input at fault, when there is one"
    )
    errors: list[FieldProblem] | SkipJsonSchema[None] = Field(
        default=None, description="Every invalid input (validation errors)"
    )
    current_status: str | SkipJsonSchema[None] = Field(
        default=None, description="`invalid_transition`: the record's status now"
    )
    allowed_statuses: list[str] | SkipJsonSchema[None] = Field(
        default=None, description="`invalid_transition`: the statuses it may go to from there"
    )


def may_answer(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Extra error statuses for a route's `responses=`, beyond those derived from it."""
    return {
        status: {"description": WHY.get(status, HTTPStatus(status).phrase)} for status in statuses
    }


def document_api(app: FastAPI) -> None:
    """Make `app.openapi()` (and /openapi.json) the document this module describes."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            routes = iter_route_contexts(app.routes)  # included routers' routes too
            _describe(document, [r for r in routes if isinstance(r.original_route, APIRoute)])
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _describe(document: dict[str, Any], routes: list[RouteContext]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for route in routes:
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            _describe_operation(operation, route, method)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _describe_operation(operation: dict[str, Any], route: RouteContext, method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses = errors_of(route, method)
    if "security" in operation and not requires_token(route):
        # Open to anyone: a token is optional (it may show more), and a bad one is a 401.
        operation["security"] = [{}, *operation["security"]]
        statuses.append(401)
    for derived in statuses:
        responses.setdefault(str(derived), {"description": WHY[derived]})
    for code, response in responses.items():
        if code.startswith(("4", "5")):
            response["content"] = {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
            if int(code) in WHY and response.get("description") == "Validation Error":
                response["description"] = WHY[int(code)]
    operation["responses"] = dict(sorted(responses.items()))


def errors_of(route: APIRoute | RouteContext, method: str) -> list[int]:
    """The error statuses `route` may answer to `method`, derived from how it is declared."""
    statuses: set[int] = set()
    params = [
        p
        for d in _dependants(route.dependant)
        for p in (*d.path_params, *d.query_params, *d.header_params, *d.cookie_params)
    ]
    has_body = route.body_field is not None or "requestBody" in (route.openapi_extra or {})
    if requires_token(route):
        statuses |= {401, 403}
    if params or has_body:
        statuses.add(422)
    if any(d.path_params for d in _dependants(route.dependant)) or has_body:
        statuses.add(404)
    if method in WRITES:
        statuses.add(409)
    if has_body:
        statuses |= {400, 413, 415}
    return sorted(statuses)


def requires_token(route: APIRoute | RouteContext) -> bool:
    """True if a dependency of `route` admits only some roles (`auth.require`)."""
    return any(_admits_roles(d.call) for d in _dependants(route.dependant))


def _admits_roles(call: Callable[..., Any] | None) -> bool:
    return call is not None and hasattr(call, "admitted_roles")


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)
