"""FastAPI dependencies every engine's router uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from itvision.platform.system import Platform


async def _platform(request: Request) -> Platform:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hop per request.
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(_platform)]
"""The running platform, passed to use cases and queries."""
