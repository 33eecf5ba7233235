"""Errors as HTTP answers: RFC 9457 problem+json with a stable `code` and the offending `field`.

The app's exception handlers and the ASGI middleware that answer before a route runs
(`request_guard`) build their answers here, so every error looks the same wherever it is
decided."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

from itvision.platform.errors import ITVisionError

PROBLEM = "application/problem+json"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"urn:itvision:problem:{code}",
        "title": code.replace("_", " "),
        "status": status,
        "code": code,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def problem_of(error: ITVisionError) -> JSONResponse:
    return problem(
        error.status,
        error.code,
        error.message,
        field=error.field,
        headers=error.headers,
        **error.members,
    )
