"""An HTTP client of the API that can speak as any role."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.routing import APIRoute

from itvision.platform.auth import Role, create_api_token
from itvision.platform.system import Platform


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
    from itvision import bootstrap
    from itvision.ops_api import router as operations

    routers = [operations, *(router for _, router in bootstrap.routers())]
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]
