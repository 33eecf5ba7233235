"""Checks every request gets before its route runs.

PostgreSQL refuses the NUL character in text (SQLite keeps it), so a NUL in a query
parameter, a path or a JSON body would become a 500 on one database and stored garbage on the
other: it is refused up front as a 422 naming the field."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from itvision.platform.errors import InvalidInput

NUL = "\x00"


async def refuse_nul_characters(request: Request) -> None:
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            raise InvalidInput("the NUL character is not allowed", field=f"query.{name}")
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise InvalidInput("the NUL character is not allowed", field=f"path.{name}")
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body or b"\x00" in body:
            try:
                where = _nul_in(json.loads(body), "body")
            except ValueError:
                return  # not JSON: the route's own validation answers
            if where:
                raise InvalidInput("the NUL character is not allowed", field=where)


def _nul_in(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                return f"{path}.{key}"
            if found := _nul_in(item, f"{path}.{key}"):
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _nul_in(item, f"{path}.{index}"):
                return found
    return None
