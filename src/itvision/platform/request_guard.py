"""What a request with a body must pass before its route reads it: the caller's credentials,
when the route admits only some roles, and the body's size.

FastAPI reads and parses a JSON body before it runs any dependency, so `require(...)` alone
lets an anonymous caller make the server read and parse megabytes before the 401. This ASGI
middleware runs before routing: it looks the route up in a table built from the routers,
authenticates the caller of a route that needs a role from the headers alone, refuses a
`Content-Length` over the route's limit, and has Starlette's `RequestBodyLimitMiddleware` count
the bytes of a body sent without one. A route needing more than `ITVISION_MAX_BODY_BYTES`
says so the FastAPI way: `@router.post(..., max_body_size=N)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from itvision.platform.auth import (
    PRINCIPAL_STATE,
    Principal,
    Role,
    admit,
    admitted_roles,
    authenticate,
    bearer_token,
)
from itvision.platform.errors import ITVisionError, PayloadTooLarge
from itvision.platform.problems import problem_of

if TYPE_CHECKING:
    from itvision.platform.system import Platform


@dataclass(frozen=True, slots=True)
class RouteRule:
    methods: frozenset[str]
    path: re.Pattern[str]
    template: str
    roles: frozenset[Role] | None
    max_body_bytes: int | None


class RouteRules:
    """Who may send a body to which route, and how large, by method and path."""

    def __init__(self, mounted: Iterable[tuple[str, APIRouter]]) -> None:
        self._by_prefix = [
            (
                prefix,
                [_rule(prefix, route) for route in router.routes if isinstance(route, APIRoute)],
            )
            for prefix, router in mounted
        ]

    def methods_at(self, path: str) -> set[str]:
        """Every method of the resource at `path` (Starlette's 405 names only the first
        route's). The resource is the most specific path template that matches, as the API
        document lists it: `/categories/tree`, not `/categories/{category_id}`."""
        matching = [
            rule
            for prefix, rules in self._by_prefix
            if path.startswith(prefix)
            for rule in rules
            if rule.path.match(path)
        ]
        if not matching:
            return set()
        resource = min((r.template for r in matching), key=lambda t: t.count("{"))
        return {m for rule in matching if rule.template == resource for m in rule.methods}

    def find(self, method: str, path: str) -> RouteRule | None:
        for prefix, rules in self._by_prefix:
            if path.startswith(prefix):
                for rule in rules:
                    if method in rule.methods and rule.path.match(path):
                        return rule
        return None


def _rule(prefix: str, route: APIRoute) -> RouteRule:
    return RouteRule(
        methods=frozenset(route.methods or ()),
        path=compile_path(prefix + route.path)[0],
        template=prefix + route.path,
        roles=admitted_roles(route.dependant),
        max_body_bytes=route.max_body_size,
    )


class RequestGuard:
    def __init__(self, app: ASGIApp, rules: RouteRules) -> None:
        self.app = app
        self.rules = rules

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length in (None, "0") and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body: the route's dependencies suffice
            return
        platform: Platform = scope["app"].state.platform
        rule = self.rules.find(scope["method"], scope["path"])
        limit = platform.settings.max_body_bytes
        if rule is not None and rule.max_body_bytes is not None:
            limit = rule.max_body_bytes
        try:
            if rule is not None and rule.roles is not None:
                caller = await _caller(headers, rule.roles, platform)
                scope.setdefault("state", {})[PRINCIPAL_STATE] = caller
            if length is not None and length.isdigit() and int(length) > limit:
                raise PayloadTooLarge(too_large(limit), field="body")
        except ITVisionError as error:
            # The body is left unread: closing the connection spares reading it to the end.
            answer = problem_of(error)
            answer.headers["Connection"] = "close"
            await answer(scope, receive, send)
            return
        await RequestBodyLimitMiddleware(self.app, limit)(scope, receive, send)


async def _caller(headers: Headers, roles: frozenset[Role], platform: Platform) -> Principal:
    token = bearer_token(headers.get("authorization"))
    caller = await authenticate(token, platform.settings, platform.db) if token else None
    return admit(caller, roles)


def too_large(limit: int) -> str:
    for unit, size in (("MB", 1 << 20), ("KB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"the body is larger than this route accepts ({limit // size} {unit})"
    return f"the body is larger than this route accepts ({limit} bytes)"
