"""What every request's input must be before a route sees it.

- **Text a database can store.** PostgreSQL refuses the NUL character in text and UTF-8 has no
  lone surrogates (JSON can spell both, `"\\u0000"`, `"\\ud800"`); SQLite would keep them. So
  every API model derives from `InputModel`, which refuses them anywhere in its input — field
  values, list items, keys, nested objects — as a 422 naming the exact place, whatever the
  content type the body came with. Query and path parameters are checked by `check_request`.
- **Partial updates say which fields may not be null.** `Omittable[X]` is a field that may be
  left out but not set to null (OpenAPI: not nullable); `X | None` is one null clears.
- **Decimals are documented as JSON numbers** (`JSON_NUMBER`): their step (`multipleOf`) and
  bounds are then in the schema.
- **A body in a media type the route documents.** A JSON body is `application/json` (any case,
  with parameters such as `charset=utf-8`); a route that reads another type (a CSV import) says
  so in its OpenAPI `requestBody`. Anything else is a 415 (`check_request`).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError, core_schema
from starlette.datastructures import Headers, QueryParams
from starlette.types import Scope

from itvision.platform.errors import InvalidInput, UnsupportedMediaType

JSON = "application/json"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "the NUL character and lone surrogates are not allowed"
T = TypeVar("T")


def is_storable(text: str) -> bool:
    """True if every database the platform runs on can store `text` as it is."""
    return _UNSTORABLE.search(text) is None


def _unstorable_places(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        if not is_storable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not is_storable(key):
                yield (*path, key)
            yield from _unstorable_places(item, (*path, key))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _unstorable_places(item, (*path, index))


def _leaf_types(annotation: Any) -> set[Any]:
    """`Annotated[bool | None, …]` → {bool, NoneType}."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _leaf_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return {leaf for arg in get_args(annotation) for leaf in _leaf_types(arg)}
    if origin is Literal:
        return {type(value) for value in get_args(annotation)}
    return {origin or annotation}


class InputModel(BaseModel):
    """The base of every JSON body the API reads: unknown fields are refused, and so is text a
    database cannot store (see the module); `true`/`false` is a boolean and only a boolean
    (pydantic would otherwise read `0` as false and `false` as 0)."""

    model_config = ConfigDict(extra="forbid")
    JSON_TYPES: ClassVar[bool] = True

    @field_validator("*", mode="before")
    @classmethod
    def _booleans_are_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        if not cls.JSON_TYPES or value is None or info.field_name is None:
            return value
        leaves = _leaf_types(cls.model_fields[info.field_name].annotation)
        if isinstance(value, bool) and bool not in leaves and Any not in leaves:
            raise PydanticCustomError("json_type", "true or false is not a valid value here")
        if not isinstance(value, bool) and leaves <= {bool, type(None)}:
            raise PydanticCustomError("bool_type", "Input should be true or false")
        return value

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        places = list(_unstorable_places(data))
        if places:
            errors = [
                InitErrorDetails(
                    type=PydanticCustomError("unstorable_text", UNSTORABLE_MESSAGE),
                    loc=place,
                    input=data,
                )
                for place in places
            ]
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


class QueryModel(InputModel):
    """The base of a model of query parameters: they arrive as text (`?active=true`), and
    parameters the model does not name are left to the route (paging)."""

    model_config = ConfigDict(extra="ignore")
    JSON_TYPES: ClassVar[bool] = False


# Text, as the API documents it --------------------------------------------------------------


def nonblank(max_length: int) -> StringConstraints:
    """Text trimmed of surrounding spaces that must keep at least one other character, up to
    `max_length`: `Annotated[str, nonblank(100)]`. The document says so (`pattern: \\S`), so a
    client sending only spaces or a form feed knows beforehand it will be refused."""
    return StringConstraints(
        strip_whitespace=True, min_length=1, max_length=max_length, pattern=r"\S"
    )


# A moment, as the API documents it ----------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc3339(value: Any) -> Any:
    # pydantic alone also takes a number of seconds since 1970 ("0.5"): not what the
    # documented `date-time` format says.
    if not isinstance(value, datetime) and not (isinstance(value, str) and _RFC3339.match(value)):
        raise PydanticCustomError(
            "datetime_format", "expected an RFC 3339 time with its zone, e.g. 2026-11-30T10:00:00Z"
        )
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
"""A time with its zone, RFC 3339 (`2026-11-30T10:00:00Z`), in a body, a query or a path."""


# How fields are documented ------------------------------------------------------------------


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "may be left out, but not set to null")
    return value


def _without_null(schema: JsonSchemaValue) -> JsonSchemaValue:
    branches = schema.get("anyOf")
    if not branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    others = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**others, **rest[0]} if len(rest) == 1 else {**others, "anyOf": rest}


class _NotNull:
    """Refuses null, and says so in the JSON Schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _without_null(handler(schema))


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # left out is not null: no `default: null` to mislead a client


Omittable = Annotated[T | None, _NotNull(), Field(json_schema_extra=_no_default)]
"""A field of a partial update that may be left out (None then) but never set to null."""


class _JsonNumber:
    """Documents a Decimal as the JSON number clients send (pydantic also offers a string
    form, without the bounds and step; the API still reads a numeric string)."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        numbers = [b for b in documented.get("anyOf", []) if b.get("type") == "number"]
        if len(numbers) != 1:
            return documented
        others = {k: v for k, v in documented.items() if k != "anyOf"}
        return {**others, **numbers[0]}


JSON_NUMBER = _JsonNumber()


# Documented media types ------------------------------------------------------------------


def media_type(content_type: str) -> str:
    """`Application/JSON; charset=utf-8` → `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()


def documented_body_types(route: APIRoute) -> frozenset[str]:
    """The media types `route` documents for its body (none if it reads no body)."""
    extra = (route.openapi_extra or {}).get("requestBody", {}).get("content")
    if extra:
        return frozenset(media_type(t) for t in extra)
    return frozenset({JSON}) if route.body_field is not None else frozenset()


async def check_request(request: Request) -> None:
    """An app-wide dependency (it runs before the route's own): parameters a database can
    store, each given once unless it is a list, and a body in a media type the route
    documents."""
    route = request.scope.get("route")
    _check_parameters(request.scope, route if isinstance(route, APIRoute) else None)
    if isinstance(route, APIRoute):
        accepted = documented_body_types(route)
        if accepted:
            _check_media_type(request.headers, accepted)


def _check_parameters(scope: Scope, route: APIRoute | None) -> None:
    seen: set[str] = set()
    for name, value in QueryParams(scope.get("query_string", b"")).multi_items():
        if not (is_storable(name) and is_storable(value)):
            raise InvalidInput(UNSTORABLE_MESSAGE, field=f"query.{name}")
        if name in seen and route is not None and name in single_valued(route):
            # FastAPI would keep the last value silently: which one the client meant is not
            # known.
            raise InvalidInput(f"give {name} once", field=f"query.{name}")
        seen.add(name)
    for name, value in scope.get("path_params", {}).items():
        if isinstance(value, str) and not is_storable(value):
            raise InvalidInput(UNSTORABLE_MESSAGE, field=f"path.{name}")


def _check_media_type(headers: Headers, accepted: frozenset[str]) -> None:
    content_type = headers.get("content-type")
    if content_type is None:
        if headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers:
            return  # no body at all: the route's validation says what is missing
    elif media_type(content_type) in accepted:
        return
    expected = " or ".join(sorted(accepted))
    raise UnsupportedMediaType(
        f"send the body as {expected}, not {content_type or 'without a Content-Type'}",
        field="body",
    )


_SINGLE_VALUED: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def single_valued(route: APIRoute) -> frozenset[str]:
    """The route's query parameters that take one value (not a list); worked out once per
    route (routes are not hashable: kept by id, with the route so that the id stays its)."""
    known = _SINGLE_VALUED.get(id(route))
    if known is None:
        known = _SINGLE_VALUED[id(route)] = (route, _single_valued(route))
    return known[1]


def _single_valued(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    for field in _query_fields(route.dependant):
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(
                info.alias or name
                for name, info in annotation.model_fields.items()
                if not _takes_many(info.annotation)
            )
        elif not _takes_many(annotation):
            names.add(field.alias)
    return frozenset(names)


def _query_fields(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for dependency in dependant.dependencies:
        yield from _query_fields(dependency)


def _takes_many(annotation: Any) -> bool:
    """A list-like annotation, or an optional one (`list[str] | None`)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_takes_many(arg) for arg in get_args(annotation))
    return get_origin(annotation) in (list, tuple, set, frozenset, Sequence) or annotation in (
        list,
        tuple,
        set,
        frozenset,
    )
