"""The HTTP API: every engine's router, the operations routes, health and metrics.

Errors are RFC 9457 problem+json with a stable `code`; a body that does not validate is a 422
naming the field.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from itvision import bootstrap, migrations
from itvision.asyncapi import asyncapi_document
from itvision.ops_api import router as ops_router
from itvision.platform.errors import ITVisionError
from itvision.platform.inputs import check_request
from itvision.platform.openapi import document_api, may_answer
from itvision.platform.system import Platform
from itvision.settings import Settings, load_settings

log = structlog.get_logger("itvision.app")
PROBLEM = "application/problem+json"


def build_platform(settings: Settings) -> Platform:
    return Platform(settings, bootstrap.registry(), bootstrap.consumer_groups(), bootstrap.jobs())


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
    _install_error_handlers(app)

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
    async def metrics() -> PlainTextResponse:
        """Prometheus metrics: events published, consumed, failed, dead-lettered, lag, latency."""
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi(request: Request) -> dict[str, Any]:
        """AsyncAPI 3 description of every topic."""
        return asyncapi_document(request.app.state.platform.registry)

    app.include_router(ops_router, prefix="/api/events", tags=["events"])
    for engine, router in bootstrap.routers():
        app.include_router(router, prefix=f"/api/{engine}", tags=[engine])
    document_api(app)
    return app


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = {
        "type": f"urn:itvision:problem:{code}",
        "title": code.replace("_", " "),
        "status": status,
        "code": code,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ITVisionError)
    async def _domain(_: Request, exc: ITVisionError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.message, field=exc.field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", error=repr(exc))
        return problem(500, "internal_error", "an unexpected error occurred; it has been logged")
