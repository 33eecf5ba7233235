"""Where an input is: a rule's error names a field as the use case knows it (`sku`), the answer
names it where the client sent it (`body.sku`, `path.sku`, `query.status`), as FastAPI's own
validation errors do, so that a client maps every `field` of an answer the same way.

The route that answered says where each of its inputs comes from; a name it does not take
(`status`: the record's state, `role`: the caller's) is left as it is."""

from __future__ import annotations

from collections.abc import Iterator
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

LOCATIONS = ("path", "query", "header", "body")


def located(field: str | None, route: Any) -> str | None:
    """`field` prefixed with where `route` takes it, if it takes it; a name it does not take
    (a record's `status`, or one already located: `header.Idempotency-Key`) is left as is."""
    if not field or not isinstance(route, APIRoute):
        return field
    # An input of the route first: a body field may be called `body` (a template's text).
    location = _inputs(route).get(field.split(".", 1)[0])
    return f"{location}.{field}" if location else field


def _inputs(route: APIRoute) -> dict[str, str]:
    """Each input name of the route and its location (path first when a name is in two);
    read when an error is answered, which is rare enough not to keep it."""
    names: dict[str, str] = {}
    for location in reversed(LOCATIONS):
        for name in _names(route.dependant, location):
            names[name] = location
    return names


def _names(dependant: Dependant, location: str) -> Iterator[str]:
    params = [p for d in _all(dependant) for p in getattr(d, f"{location}_params")]
    single_body = location == "body" and len(params) == 1 and not _embedded(params[0])
    for param in params:
        model = _model(param.field_info.annotation)
        if model is not None and (location != "body" or single_body):
            # A model's fields are the inputs (a body model, or a query model's parameters).
            for name, info in model.model_fields.items():
                yield info.alias or name
        else:
            yield param.alias


def _all(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _all(sub)


def _embedded(param: Any) -> bool:
    return bool(getattr(param.field_info, "embed", False))


def _model(annotation: Any) -> type[BaseModel] | None:
    """The model a parameter takes, optional or not (`CancelRequest | None`)."""
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    for candidate in (annotation, *options):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
