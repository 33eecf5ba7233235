"""The HTTP API: every engine's router, the operations routes, health and metrics.

Errors are RFC 9457 problem+json with a stable `code`; a body that does not validate (or is
not JSON at all) is a 422 naming the field. Before a route reads a body, `RequestGuard` checks
its size and, for a route that admits only some roles, the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from itvision import bootstrap, migrations
from itvision.asyncapi import asyncapi_document
from itvision.engines.notification.api import live_endpoint
from itvision.ops_api import router as ops_router
from itvision.platform.errors import ITVisionError
from itvision.platform.field_names import located
from itvision.platform.inputs import check_request
from itvision.platform.openapi import document_api, may_answer
from itvision.platform.problems import PROBLEM, problem, problem_of
from itvision.platform.request_guard import RequestGuard, RouteRules, too_large
from itvision.platform.security_headers import SecurityHeaders
from itvision.platform.system import Platform
from itvision.settings import Settings, load_settings

log = structlog.get_logger("itvision.app")
# How long /metrics waits for the groups' lag before it answers with the last one read.
LAG_TIMEOUT_SECONDS = 2.0
__all__ = ["PROBLEM", "build_platform", "create_app", "problem"]


def build_platform(settings: Settings) -> Platform:
    return Platform(settings, bootstrap.registry(), bootstrap.consumer_groups(), bootstrap.jobs())


def mounted_routers() -> list[tuple[str, str, APIRouter]]:
    """Each router of the API with its prefix and tag: the operations' and every engine's."""
    return [("/api/events", "events", ops_router)] + [
        (f"/api/{engine}", engine, router) for engine, router in bootstrap.routers()
    ]


def create_app(platform: Platform | None = None, *, run_consumers: bool = True) -> FastAPI:
    """The app. With `run_consumers`, it also runs every consumer group and the relay (the
    embedded `itvision serve`); without, it only serves HTTP."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        platform_ = app.state.platform
        if platform_ is None:
            platform_ = app.state.platform = build_platform(load_settings())
        before, after = await migrations.upgrade(platform_.db)
        if before != after:
            log.info("schema migrated", before=sorted(before), after=sorted(after))
        if run_consumers:
            await platform_.start()
        try:
            yield
        finally:
            await platform_.close()

    app = FastAPI(
        title="IT Vision engines",
        version="0.1.0",
        description="Business engines of the IT Vision marketplace (XOF; Senegal, Côte d'Ivoire).",
        lifespan=lifespan,
        dependencies=[Depends(check_request)],
    )
    app.state.platform = platform
    mounted = mounted_routers()
    rules = RouteRules((prefix, router) for prefix, _, router in mounted)
    _install_error_handlers(app, rules)

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses=may_answer(503))
    async def readyz(request: Request) -> JSONResponse:
        """The database and the bus are reachable (503 otherwise)."""
        checks = await request.app.state.platform.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def metrics(request: Request) -> PlainTextResponse:
        """Prometheus metrics: events published, consumed, failed, dead-lettered, lag, latency."""
        platform_ = request.app.state.platform
        try:
            async with asyncio.timeout(LAG_TIMEOUT_SECONDS):
                await platform_.bus.report_lag(platform_.groups.values())
        except Exception as exc:  # the other metrics matter most when the bus is down
            log.warning("consumer lag not read", error=str(exc))
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi(request: Request) -> dict[str, Any]:
        """AsyncAPI 3 description of every topic."""
        return asyncapi_document(request.app.state.platform.registry)

    for prefix, tag, router in mounted:
        app.include_router(router, prefix=prefix, tags=[tag])
    # Live in-app messages (Socket.IO), signed in with the API's bearer tokens.
    app.mount("/socket.io", live_endpoint)
    app.add_middleware(RequestGuard, rules=rules)
    app.add_middleware(SecurityHeaders)  # last added, outermost: on the guard's answers too
    document_api(app)
    return app


def _install_error_handlers(app: FastAPI, rules: RouteRules) -> None:
    @app.exception_handler(ITVisionError)
    async def _domain(request: Request, exc: ITVisionError) -> JSONResponse:
        exc.field = located(exc.field, request.scope.get("route"))
        return problem_of(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            _json_syntax_error(e, exc.body)
            if e["type"] == "json_invalid"
            else {
                "field": ".".join(str(p) for p in e["loc"]),
                "message": e["msg"],
                "type": e["type"],
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        return problem(
            422,
            "validation_error",
            f"{first['field']}: {first['message']}",
            field=first["field"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 413:  # a body sent without a length, counted past the limit
            limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
            detail = too_large(limit) if isinstance(limit, int) else str(exc.detail)
            return problem(413, "payload_too_large", detail, field="body")
        if exc.status_code == 400 and (unreadable := _unreadable_body(exc.__cause__)):
            return _invalid_body(unreadable)
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := rules.methods_at(request.url.path)):
            headers["Allow"] = ", ".join(sorted(allowed))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", error=repr(exc))
        return problem(500, "internal_error", "an unexpected error occurred; it has been logged")


def _json_syntax_error(error: Any, document: Any) -> dict[str, str]:
    """FastAPI's `json_invalid` gives a character offset: say where, as an editor would."""
    position = error["loc"][-1] if isinstance(error["loc"][-1], int) else 0
    reason = error.get("ctx", {}).get("error", "invalid JSON")
    if isinstance(document, str):
        line = document.count("\n", 0, position) + 1
        column = position - document.rfind("\n", 0, position)
        reason = f"invalid JSON at line {line}, column {column}: {reason}"
    return {"field": "body", "message": reason, "type": "json_invalid"}


def _unreadable_body(cause: BaseException | None) -> str | None:
    """Why FastAPI could not parse a body it answered 400 "There was an error parsing the
    body" for (it keeps the reason only as the exception's cause)."""
    if isinstance(cause, UnicodeDecodeError):
        return f"the body is not valid {cause.encoding.upper()} (byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "the JSON body is nested too deeply"
    return None


def _invalid_body(message: str) -> JSONResponse:
    errors = [{"field": "body", "message": message, "type": "json_invalid"}]
    return problem(422, "validation_error", f"body: {message}", field="body", errors=errors)
