"""Structured logs: JSON lines when not on a terminal, readable on one; each line of a handler
carries the event id and the correlation id (bound by the consumer runtime)."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any, TextIO, cast

import structlog

# (group, event) being handled; read only when a line is actually logged, so handling an
# event costs one ContextVar set instead of binding four log fields.
CURRENT_EVENT: ContextVar[tuple[str, Any] | None] = ContextVar("itvision_event", default=None)


def _add_event_context(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    current = CURRENT_EVENT.get()
    if current is not None:
        group, event = current
        event_dict.setdefault("event_id", str(event.id))
        event_dict.setdefault("correlation_id", str(event.correlation_id))
        event_dict.setdefault("topic", event.type)
        event_dict.setdefault("group", group)
    return event_dict


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is written, not when logging was configured (a
    test runner or a daemon may swap it, and close the old one)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    json_lines = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_event_context,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _CurrentStderr())),
        cache_logger_on_first_use=True,
    )
