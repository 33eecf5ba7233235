"""What an engine's command-line (`engines/<x>/cli.py`, mounted as `itvision <x> …`) gets from
the `itvision` command: `ctx.obj.run(work)` runs `work(platform)` on the configured platform,
migrated, and turns an ITVisionError into one line on stderr and exit code 1."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from itvision.platform.system import Platform

T = TypeVar("T")


class PlatformRunner(Protocol):
    def run(self, work: Callable[[Platform], Awaitable[T]], *, migrate: bool = True) -> T: ...
