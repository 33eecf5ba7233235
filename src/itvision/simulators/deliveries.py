"""How a simulator delivers its webhooks and notifications, as the providers do: a POST, tried
again a few times when the receiver does not answer 2xx. Every attempt is recorded, so a test
can read what was sent and send it again (a duplicate, a replay, a delivery out of order)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import httpx


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]
    body: bytes
    statuses: list[int] = field(default_factory=list)
    """The receiver's answer to each attempt (0: unreachable)."""

    @property
    def delivered(self) -> bool:
        return any(200 <= s < 300 for s in self.statuses)


class Sender:
    """Delivers POSTs; `client` may be set to any httpx client (a test's ASGI client of the app
    under test). With `drop`, deliveries are recorded but never sent (a lost webhook)."""

    def __init__(self, *, attempts: int = 4, first_retry_seconds: float = 0.2) -> None:
        self.client: httpx.AsyncClient | None = None
        self.drop = False
        self.attempts = attempts
        self.first_retry_seconds = first_retry_seconds
        self.deliveries: list[Delivery] = []
        self._retries: set[asyncio.Task[None]] = set()
        self._own: httpx.AsyncClient | None = None

    def _own_client(self) -> httpx.AsyncClient:
        # One client for every delivery: a new one per delivery loads the TLS settings again.
        if self._own is None:
            self._own = httpx.AsyncClient(timeout=5.0)
        return self._own

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> Delivery:
        """Record and send once now; retries, if needed, go on in the background."""
        delivery = Delivery(url, headers, body)
        self.deliveries.append(delivery)
        if self.drop:
            return delivery
        if not await self.attempt(delivery) and self.attempts > 1:
            task = asyncio.create_task(self._retry(delivery))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)
        return delivery

    async def attempt(self, delivery: Delivery) -> bool:
        headers = {"Content-Type": "application/json", **delivery.headers}
        try:
            client = self.client or self._own_client()
            response = await client.post(delivery.url, content=delivery.body, headers=headers)
            delivery.statuses.append(response.status_code)
        except httpx.HTTPError:
            delivery.statuses.append(0)
        return delivery.delivered

    async def _retry(self, delivery: Delivery) -> None:
        delay = self.first_retry_seconds
        for _ in range(self.attempts - 1):
            await asyncio.sleep(delay)
            if await self.attempt(delivery):
                return
            delay *= 2

    async def close(self) -> None:
        for task in list(self._retries):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._own is not None:
            await self._own.aclose()
