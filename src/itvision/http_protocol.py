"""The HTTP protocol `itvision serve` speaks: uvicorn's, with the time and size limits that make it
safe to face clients without a reverse proxy in front.

uvicorn closes a connection idle after a response (`timeout_keep_alive`), but it has no limit
on how long a client takes to send a request's headers, nor on their size (httptools parses
them without one), nor on a silence in the middle of a body: a client that opens a connection
and sends nothing, or a byte now and then, holds it forever. `TimedHttpToolsProtocol` adds
those limits to uvicorn's httptools protocol: the request line and headers must arrive within
`ITVISION_HTTP_HEADER_TIMEOUT_SECONDS` (408, then the connection is closed) and weigh at most
`MAX_HEADER_BYTES` (400); a body may not pause longer than that same timeout between two reads.
What stays with a reverse proxy: TLS, a minimum transfer rate, connection counts per client.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from itvision.settings import Settings

MAX_HEADER_BYTES = 64 * 1024
"""Request line and headers together; nginx's default buffers allow 32 KB."""

REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n"
    b"\r\nrequest timeout\n"
)


class HeadersTooLarge(Exception):
    """Raised in a parser callback: httptools stops and uvicorn answers 400 and closes."""


class TimedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._head_bytes = 0
        self._timer: asyncio.TimerHandle | None = None
        super().connection_made(cast(asyncio.Transport, transport))
        self._arm(self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._arm(self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        self._count(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(name)
        self._count(value)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._arm(self._body_too_slow)  # disarmed at once when there is no body
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._arm(self._body_too_slow)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _count(self, part: bytes) -> None:
        self._head_bytes += len(part)
        if self._head_bytes > MAX_HEADER_BYTES:
            raise HeadersTooLarge

    def _arm(self, on_expiry: Any) -> None:
        self._disarm()
        self._timer = self.loop.call_later(self.header_timeout, on_expiry)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _head_too_slow(self) -> None:
        if not self.transport.is_closing():
            self.transport.write(REQUEST_TIMEOUT)
            self.transport.close()

    def _body_too_slow(self) -> None:
        if self.flow.read_paused:  # the app is behind, not the client: wait for it
            self._arm(self._body_too_slow)
        elif not self.transport.is_closing():
            self.transport.close()  # the app's receive() gets http.disconnect


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `uvicorn.run` / `uvicorn.Config` besides the app, host and port."""
    protocol = type(
        "TimedHttpToolsProtocol",
        (TimedHttpToolsProtocol,),
        {"header_timeout": settings.http_header_timeout_seconds},
    )
    return {
        "http": protocol,
        "timeout_keep_alive": settings.http_keep_alive_seconds,
        "log_config": None,
        "access_log": False,
    }
