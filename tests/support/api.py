"""An HTTP client of the API that can speak as any role."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from itvision.app import create_app, mounted_routers
from itvision.platform.auth import Role, create_api_token
from itvision.platform.system import Platform

_APP: FastAPI | None = None


def app_of(system: Platform) -> FastAPI:
    """The API of `system`. One app serves every test of a process, pointed at each test's
    platform: building one costs ~0.3 s (FastAPI prepares each router's routes on its first
    request), and routes read the platform from `app.state` at every request."""
    global _APP
    if _APP is None:
        _APP = create_app(None, run_consumers=False)
    _APP.state.platform = system
    return _APP


class ApiClient:
    def __init__(self, client: httpx.AsyncClient, platform: Platform) -> None:
        self.http = client
        self.platform = platform
        self._tokens: dict[tuple[Role, str], str] = {}

    async def as_(self, role: Role | str, subject: str | None = None) -> dict[str, str]:
        """Authorization headers of a caller with this role (subject defaults to the role)."""
        role = Role(role)
        key = (role, subject or role.value)
        if key not in self._tokens:
            self._tokens[key] = await create_api_token(self.platform.db, role, key[1])
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    async def request(
        self,
        method: str,
        url: str,
        *,
        role: Role | str | None = None,
        subject: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers.update(await self.as_(role, subject))
        return await self.http.request(method, url, headers=headers, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)


def every_api_route() -> list[APIRoute]:
    """Every route of the engines and of the operations API, as their routers declare them
    (FastAPI keeps included routers apart from `app.routes`)."""
    return [route for _, route in every_mounted_route()]


def every_mounted_route() -> list[tuple[str, APIRoute]]:
    """Every route of `every_api_route`, with the prefix it is served under."""
    return [
        (prefix, route)
        for prefix, _, router in mounted_routers()
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
