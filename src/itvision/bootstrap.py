"""Wires the engines into the platform: their topics, consumer groups, tables and routers.

This is the one place that knows every engine; read it to see the whole system.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing this module stays light: `itvision --help` reads ENGINES
    from fastapi import APIRouter
    from sqlalchemy import MetaData

    from itvision.platform.bus.consumer import ConsumerGroup
    from itvision.platform.jobs import PeriodicJob
    from itvision.platform.topics import Topic, TopicRegistry

# Engine packages, in the seed's order of priority.
ENGINES = (
    "pricing",
    "catalog",
    "order",
    "billing",
    "inventory",
    "loyalty",
    "profitability",
    "recommendation",
    "promotion",
    "groupbuy",
    "notification",
    "payment",
    "shipping",
    "technician",
    "review",
    "analytics",
    "search",
    "fraud",
    "customer",
)


def _optional(engine: str, module: str):  # type: ignore[no-untyped-def]
    try:
        return import_module(f"itvision.engines.{engine}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"itvision.engines.{engine}.{module}":
            return None
        raise


def topics() -> list[Topic]:
    return [
        t for engine in ENGINES for t in import_module(f"itvision.engines.{engine}.events").TOPICS
    ]


def registry() -> TopicRegistry:
    from itvision.platform.topics import TopicRegistry

    return TopicRegistry(topics())


def consumer_groups() -> list[ConsumerGroup]:
    """Each engine's `consumers.GROUP`, for the engines that consume events."""
    modules = (_optional(engine, "consumers") for engine in ENGINES)
    return [m.GROUP for m in modules if m is not None]


def jobs() -> list[PeriodicJob]:
    """Each engine's `jobs.JOBS`: periodic work that `serve` and `worker` run."""
    modules = (_optional(engine, "jobs") for engine in ENGINES)
    return [job for m in modules if m is not None for job in m.JOBS]


def routers() -> list[tuple[str, APIRouter]]:
    """Each engine's `api.router`, mounted at /api/<engine> (or /api/<api.PATH>); an engine
    reached at several paths names each with its router in `api.MOUNTS` (path → router)."""
    modules = ((engine, _optional(engine, "api")) for engine in ENGINES)
    return [
        mount
        for engine, m in modules
        if m is not None
        for mount in getattr(m, "MOUNTS", {getattr(m, "PATH", engine): m.router}).items()
    ]


def metadata() -> MetaData:
    """The tables of the platform and of every engine."""
    import itvision.platform.auth
    import itvision.platform.bus.tables  # noqa: F401
    from itvision.platform.db import Base

    for engine in ENGINES:
        _optional(engine, "models")
    return Base.metadata
