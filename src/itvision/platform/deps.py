"""FastAPI dependencies every engine's router uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from itvision.platform.system import Platform


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(_platform)]
"""The running platform: `platform.uows(source)` for writes, `platform.db.reads()` for reads."""
