"""The server `itvision serve` runs closes the connections a client holds without using them:
silent from the start, stuck in its headers, idle after a response, silent in a body; and it
refuses headers too large to be honest."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
import uvicorn

from itvision.http_protocol import MAX_HEADER_BYTES, server_options
from tests.conftest import eventually, settings_for_tests

TIMEOUT = 0.5
KEEP_ALIVE = 1


async def app(scope, receive, send):
    """Reads the whole body, then answers 200 with how many bytes it got."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def port(tmp_path) -> AsyncIterator[int]:
    settings = settings_for_tests(
        tmp_path, http_header_timeout_seconds=TIMEOUT, http_keep_alive_seconds=KEEP_ALIVE
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **server_options(settings)))
    task = asyncio.create_task(server.serve(sockets=[sock]))

    async def started() -> bool:
        return server.started

    await eventually(started, timeout=10, what="the server to start")
    yield sock.getsockname()[1]
    server.should_exit = True
    await task


async def closed_after(reader: asyncio.StreamReader) -> tuple[float, bytes]:
    """Seconds until the server closes the connection, and what it sent before."""
    started = time.monotonic()
    received = await asyncio.wait_for(reader.read(), timeout=10)
    return time.monotonic() - started, received


async def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    waited, received = await closed_after(reader)
    assert TIMEOUT * 0.8 < waited < TIMEOUT + 1
    assert received.startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_headers_sent_a_byte_at_a_time_are_cut_off_at_the_timeout(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    # One read to the end, never cancelled: a read cancelled between the answer and the close
    # would lose the answer.
    reading = asyncio.ensure_future(reader.read())
    for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
        writer.write(bytes([byte]))  # each byte well within the timeout of the one before
        done, _ = await asyncio.wait([reading], timeout=TIMEOUT / 5)
        if done:
            break
    received = await asyncio.wait_for(reading, timeout=10)
    assert received.startswith(b"HTTP/1.1 408 ")
    # Cut off near the timeout, long before the last byte would have been sent (116 bytes at
    # TIMEOUT / 5 apart); the slack is for a loaded CI machine.
    assert time.monotonic() - started < TIMEOUT + 3
    writer.close()


async def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    assert head.startswith(b"HTTP/1.1 200 ")
    assert await reader.readexactly(1) == b"0"
    waited, received = await closed_after(reader)
    assert received == b""
    assert KEEP_ALIVE * 0.8 < waited < KEEP_ALIVE + 1
    writer.close()


async def test_a_body_that_stops_coming_is_cut_off(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"a" * 10)
    waited, received = await closed_after(reader)
    assert received == b""
    assert waited < TIMEOUT + 1
    writer.close()


async def test_a_slow_but_steady_body_is_served(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
    for _ in range(10):  # 10 × TIMEOUT/2 in all: the timeout is between reads, not in total
        await asyncio.sleep(TIMEOUT / 2)
        writer.write(b"a")
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    assert head.startswith(b"HTTP/1.1 200 ")
    assert await reader.readexactly(2) == b"10"
    writer.close()


async def test_headers_larger_than_the_limit_are_refused(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
    for index in range(MAX_HEADER_BYTES // 1000 + 2):
        writer.write(f"X-Filler-{index}: ".encode() + b"a" * 1000 + b"\r\n")
    writer.write(b"\r\n")
    _, received = await closed_after(reader)
    assert received.startswith(b"HTTP/1.1 400 ")
    writer.close()
