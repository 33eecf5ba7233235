"""Notifications: events to the WhatsApp Cloud API simulator through the notification engine,
against a bare httpx loop posting the same messages to the same simulator in the same run;
then live order news over Socket.IO to 1,000 connected clients.

    python benchmarks/notifications.py [--messages N] [--clients C] [--changes K]

Why: every step of an order's life becomes a message; the engine (template, preferences,
dedup row, status recorded, `notification.whatsapp.sent`) must not be the bottleneck next to
the provider's own API, and a message must leave right after its event.

How: one process on the embedded default (SQLite, SQL event log), the notification engine's
consumers and sender running, the WhatsApp simulator served by uvicorn on a local port.
1. Throughput: N customers with a phone; N `loyalty.tier.upgraded` events committed at once;
   time until the simulator holds N messages. The bare loop then posts the N same template
   bodies with the same concurrency (`send_concurrency`, 16) through one httpx client.
2. Latency: events committed one by one at a steady pace (100/s); event commit → the
   simulator's receipt, p50/p99.
3. Socket.IO: C python-socketio clients connected to the API (uvicorn), each a customer
   signed in with its own API token; K `order.order.confirmed` events for random customers;
   commit → the client's `order_status`, p50/p99.

Targets: throughput ratio engine/bare >= 0.5; event→send p99 <= 1 s; Socket.IO p99 <= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.messaging import SIMULATED

from itvision import bootstrap, migrations
from itvision.app import create_app
from itvision.engines.loyalty.events import SOURCE as LOYALTY
from itvision.engines.loyalty.events import TierUpgraded
from itvision.engines.notification import consumers, jobs
from itvision.engines.notification.commands import SetContact
from itvision.engines.notification.services.contacts import set_contact
from itvision.engines.order.events import SOURCE as ORDER
from itvision.engines.order.events import OrderConfirmed
from itvision.platform.auth import Role, create_api_token
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.settings import load_settings
from itvision.simulators.server import bound_socket, serve
from itvision.simulators.whatsapp import WhatsAppSimulator

TARGET_RATIO = 0.5
TARGET_SEND_P99_S = 1.0
TARGET_LIVE_P99_MS = 200.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def wait_for(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


PHONE_BLOCKS = {"t": 0, "l": 1_000_000, "s": 2_000_000}  # each run its own numbers


def phone_of(customer: str) -> str:
    prefix, number = customer.split("-")
    return f"22177{PHONE_BLOCKS[prefix] + int(number):07d}"


async def add_customers(platform: Platform, count: int, prefix: str) -> list[str]:
    customers = [f"{prefix}-{i}" for i in range(count)]
    for customer in customers:
        phone = "+" + phone_of(customer)
        await set_contact(
            platform,
            SetContact(customer, phone, None, "fr", "SN", "Africa/Dakar", None, None),
        )
    return customers


def upgrade(customer: str) -> TierUpgraded:
    return TierUpgraded(
        customer_id=customer,
        previous_tier="silver",
        tier="gold",
        qualifying_points=5000,
        upgraded_at=utcnow(),
    )


async def engine_throughput(platform: Platform, whatsapp: WhatsAppSimulator, n: int) -> float:
    customers = await add_customers(platform, n, "t")
    before = len(whatsapp.messages)
    started = time.perf_counter()
    async with platform.uows(LOYALTY) as uow:
        for customer in customers:
            uow.emit(upgrade(customer))
    await wait_for(lambda: len(whatsapp.messages) - before >= n, 300, "the engine's messages")
    return n / (time.perf_counter() - started)


async def bare_throughput(url: str, whatsapp: WhatsAppSimulator, n: int, concurrency: int) -> float:
    bodies = [m.body for m in whatsapp.messages[-n:]]
    endpoint = f"{url}/v21.0/{SIMULATED['whatsapp_phone_number_id']}/messages"
    headers = {"Authorization": f"Bearer {SIMULATED['whatsapp_token']}"}
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=10) as client:

        async def post(body: dict[str, Any]) -> None:
            async with limit:
                response = await client.post(endpoint, json=body, headers=headers)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(post(b) for b in bodies))
        return n / (time.perf_counter() - started)


async def event_to_send(platform: Platform, whatsapp: WhatsAppSimulator, n: int) -> list[float]:
    customers = await add_customers(platform, n, "l")
    committed: dict[str, float] = {}
    for customer in customers:
        async with platform.uows(LOYALTY) as uow:
            uow.emit(upgrade(customer))
        committed[phone_of(customer)] = time.time()
        await asyncio.sleep(0.01)
    await wait_for(
        lambda: sum(1 for m in whatsapp.messages if m.to in committed) >= n, 60, "latency run"
    )
    return [m.at - committed[m.to] for m in whatsapp.messages if m.to in committed]


async def live_latency(platform: Platform, clients: int, changes: int) -> list[float]:
    customers = await add_customers(platform, clients, "s")
    running = await serve(create_app(platform, run_consumers=False), bound_socket())
    heard: dict[str, float] = {}
    connected: list[socketio.AsyncClient] = []
    try:
        for batch in range(0, clients, 100):

            async def connect(customer: str) -> None:
                token = await create_api_token(platform.db, Role.CUSTOMER, customer)
                client = socketio.AsyncClient(reconnection=False)

                @client.on("order_status")
                async def status(data: dict[str, Any]) -> None:
                    if data["status"] == "confirmed":
                        heard.setdefault(data["order_id"], time.time())

                await client.connect(
                    running.url, auth={"token": token}, transports=["websocket"], wait_timeout=30
                )
                connected.append(client)

            await asyncio.gather(*(connect(c) for c in customers[batch : batch + 100]))
        sent: dict[str, float] = {}
        for customer in random.sample(customers, changes):
            order_id = f"ord-{customer}"
            async with platform.uows(ORDER) as uow:
                uow.emit(
                    OrderConfirmed(
                        order_id=order_id,
                        customer_id=customer,
                        total=45500,
                        payment_method="cash_on_delivery",
                        confirmed_at=utcnow(),
                    )
                )
            sent[order_id] = time.time()
            await asyncio.sleep(0.02)
        await wait_for(lambda: len(heard) >= changes, 60, "every client's order news")
        return [heard[o] - sent[o] for o in sent]
    finally:
        await asyncio.gather(*(c.disconnect() for c in connected), return_exceptions=True)
        await running.stop()


async def main(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="itv-notif-bench-"))
    settings = load_settings(data_dir=data_dir)
    sock = bound_socket()
    url = "http://{}:{}".format(*sock.getsockname()[:2])
    whatsapp = WhatsAppSimulator(
        token=SIMULATED["whatsapp_token"],
        phone_number_id=SIMULATED["whatsapp_phone_number_id"],
        app_secret=SIMULATED["whatsapp_app_secret"],
        send_statuses=False,
    )
    simulator = await serve(whatsapp.app, sock)
    from tests.support.messaging import Messaging

    notification_settings = Messaging(
        whatsapp, None, None, None, url, "http://unused", 25
    ).settings(  # type: ignore[arg-type]
        attempts_per_channel=3
    )
    platform = Platform(
        settings,
        bootstrap.registry(),
        [consumers.GROUP],
        jobs.JOBS,
        engine_settings=[notification_settings],
    )
    await migrations.upgrade(platform.db)
    await platform.start()
    try:
        engine = await engine_throughput(platform, whatsapp, args.messages)
        bare = await bare_throughput(
            url, whatsapp, args.messages, notification_settings.send_concurrency
        )
        latencies = await event_to_send(platform, whatsapp, args.latency_messages)
        live = await live_latency(platform, args.clients, args.changes)
    finally:
        await platform.close()
        await simulator.stop()
        await whatsapp.close()
    ratio = engine / bare
    send_p99 = percentile(latencies, 0.99)
    live_p99 = percentile(live, 0.99) * 1000
    figures = {
        "engine_messages_per_s": round(engine, 1),
        "bare_httpx_messages_per_s": round(bare, 1),
        "ratio": round(ratio, 3),
        "event_to_send_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "event_to_send_p99_ms": round(send_p99 * 1000, 1),
        "socketio_clients": args.clients,
        "socketio_p50_ms": round(statistics.median(live) * 1000, 1),
        "socketio_p99_ms": round(live_p99, 1),
    }
    print(json.dumps(figures, indent=2))
    verdicts = [
        ("ratio >= 0.5", ratio >= TARGET_RATIO),
        ("event→send p99 <= 1 s", send_p99 <= TARGET_SEND_P99_S),
        ("Socket.IO p99 <= 200 ms", live_p99 <= TARGET_LIVE_P99_MS),
    ]
    for name, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if not all(ok for _, ok in verdicts):
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--latency-messages", type=int, default=200)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
