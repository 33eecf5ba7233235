"""Orders from cart to `order.order.confirmed` through the HTTP API of one `itvision serve`
process on the embedded default (SQLite, SQL event log), every engine's consumers running and
the Wave simulator paying each payment as soon as it is asked for.

    python benchmarks/checkout.py [--orders N] [--clients C] [--warmup W]

Why: this is the path a customer takes, and the one every engine of the saga stands on: cart
lines priced by pricing, promotion and shipping; checkout; inventory's reservation; payment's
Wave session, webhook and success; the order confirmed; then billing's invoice and shipping's
shipment, all through events.

How: `itvision serve` in a process of its own, with `ITVISION_PAYMENT_SIMULATORS=true` and
`ITVISION_PAYMENT_SIMULATORS_APPROVE_AT_ONCE=true`. C clients (httpx, keep-alive), each order
by a customer of its own (a JWT): two cart lines, the delivery address, checkout with an
`Idempotency-Key`, then `POST /api/payments` (asked again while the stock is not reserved
yet, after 25 ms, 50 ms… up to 200 ms between tries). The benchmark waits until every order
is confirmed and every consumer group has caught up, then reads from the event log when each
order was placed and confirmed, and from `/metrics` how many SQL statements the whole run
cost (`itvision_sql_statements_total`, counted by an SQLAlchemy hook: every engine, the
warm-up excluded).

Reference, in the same run: the same clients sending the same server as many requests per
order as an order takes (five), to `/healthz`: what HTTP alone allows on this machine, so
that the ratio orders/s ÷ that rate compares runs on different machines.

Targets: >= 150 orders/s, checkout→confirmed p99 <= 500 ms, <= 60 SQL statements per order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.measures import percentile, seconds
from tests.support.servers import free_port, start_serving, wait_until_serving

TOKEN = "checkout-benchmark-admin-token-0123456789abcdef"
JWT_SECRET = "checkout-benchmark-jwt-secret-0123456789abcdef"
TARGET_ORDERS_PER_SECOND = 150.0
TARGET_P99_MS = 500.0
TARGET_STATEMENTS = 60.0
PRODUCTS = 12
DAKAR = {
    "recipient_name": "Awa Ndiaye",
    "phone": "+221 77 123 45 67",
    "city": "Dakar",
    "area": "Plateau",
    "address_line": "12 avenue Léopold Sédar Senghor",
    "country": "SN",
}
console = Console(width=max(Console().width, 120))


def customer_headers(subject: str) -> dict[str, str]:
    claims = {"sub": subject, "role": "customer", "exp": datetime.now(UTC) + timedelta(hours=1)}
    return {"Authorization": f"Bearer {jwt.encode(claims, JWT_SECRET, algorithm='HS256')}"}


async def stock_the_shop(client: httpx.AsyncClient) -> list[str]:
    """Products priced by the pricing engine, with plenty of stock in Dakar."""
    category = await client.post(
        "/api/catalog/categories", json={"slug": "portables", "name_fr": "Ordinateurs portables"}
    )
    category.raise_for_status()
    skus = [f"BENCH-{i:02d}" for i in range(PRODUCTS)]
    for i, sku in enumerate(skus):
        created = await client.post(
            "/api/catalog/products",
            json={"sku": sku, "name_fr": f"Portable {i}", "brand": "HP", "status": "active",
                  "category_id": category.json()["id"], "base_cost": 150_000 + 1_000 * i,
                  "weight_grams": 1_800},
        )  # fmt: skip
        created.raise_for_status()
    for sku in skus:
        await answered(client, f"/api/pricing/prices/{sku}")
        await answered(client, f"/api/inventory/stock/{sku}")
        received = await client.post(
            "/api/inventory/receipts",
            json={"sku": sku, "warehouse_id": "dakar", "quantity": 1_000_000,
                  "reference": "BL-BENCH"},
        )  # fmt: skip
        received.raise_for_status()
    return skus


async def answered(client: httpx.AsyncClient, path: str) -> None:
    """Until `path` answers 200 (what the consumers make appears a moment later)."""
    for _ in range(600):
        if (await client.get(path)).status_code == 200:
            return
        await asyncio.sleep(0.1)
    raise SystemExit(f"{path} still missing after 60 s")


async def one_order(client: httpx.AsyncClient, skus: list[str], n: int, run: str) -> str:
    """A customer's cart, checkout and payment request; the order's id."""
    headers = customer_headers(f"{run}-cust-{n}")
    for sku, quantity in ((skus[n % len(skus)], 1), (skus[(n + 5) % len(skus)], 2)):
        added = await client.post(
            "/api/carts/current/lines", json={"sku": sku, "quantity": quantity}, headers=headers
        )
        _check(added, 200)
    chosen = await client.put(
        "/api/carts/current/delivery",
        json={"method": "home_delivery", "address": DAKAR},
        headers=headers,
    )
    _check(chosen, 200)
    placed = await client.post(
        "/api/orders/checkout",
        json={"payment_method": "wave"},
        headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    _check(placed, 201)
    order_id = str(placed.json()["id"])
    key = str(uuid.uuid4())
    wait = 0.025
    while True:
        paying = await client.post(
            "/api/payments",
            json={"order_id": order_id},
            headers={**headers, "Idempotency-Key": key},
        )
        if paying.status_code != 409:
            _check(paying, 201)
            return order_id
        # The stock is not reserved yet: ask again, less and less often, as an app would.
        await asyncio.sleep(wait)
        wait = min(wait * 2, 0.2)


REQUESTS_PER_ORDER = 5  # two cart lines, the delivery, checkout, payment


async def http_alone(client: httpx.AsyncClient, count: int, clients: int) -> float:
    """Orders per second if an order cost only its HTTP requests (to `/healthz`)."""
    numbers = iter(range(count))

    async def worker() -> None:
        for _ in numbers:
            for _ in range(REQUESTS_PER_ORDER):
                _check(await client.get("/healthz"), 200)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return count / (time.perf_counter() - started)


def _check(response: httpx.Response, expected: int) -> None:
    if response.status_code != expected:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text[:300]}")


async def place_orders(
    client: httpx.AsyncClient, skus: list[str], count: int, clients: int, run: str
) -> list[str]:
    numbers = iter(range(count))
    orders: list[str] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"orders ({run})", total=count)

        async def worker() -> None:
            for n in numbers:
                orders.append(await one_order(client, skus, n, run))
                progress.advance(task)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return orders


async def settled(client: httpx.AsyncClient, database_url: str, orders: list[str]) -> dict:
    """Wait until every order is confirmed and every group has caught up; when each order was
    placed and confirmed (event log time, seconds)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    wanted = set(orders)
    engine = create_async_engine(database_url)
    query = text(
        "SELECT topic, envelope FROM event_log WHERE topic IN "
        "('order.order.placed', 'order.order.confirmed')"
    )
    deadline = time.monotonic() + 300
    try:
        while True:
            placed: dict[str, float] = {}
            confirmed: dict[str, float] = {}
            async with engine.connect() as conn:
                for topic, envelope in (await conn.execute(query)).all():
                    event = json.loads(envelope)
                    order_id = event["payload"]["orderId"]
                    if order_id in wanted:
                        at = seconds(event["timestamp"])
                        (placed if topic == "order.order.placed" else confirmed)[order_id] = at
            groups = (await client.get("/api/events/groups")).json()
            if len(confirmed) == len(wanted) and all(g["lag"] == 0 for g in groups):
                return {"placed": placed, "confirmed": confirmed}
            if time.monotonic() > deadline:
                raise SystemExit(f"{len(confirmed)} of {len(wanted)} orders confirmed after 300 s")
            await asyncio.sleep(0.25)
    finally:
        await engine.dispose()


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used, every thread (Linux's /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def statements(client: httpx.AsyncClient) -> float:
    metrics = (await client.get("/metrics")).text
    line = next(li for li in metrics.splitlines() if li.startswith("itvision_sql_statements_total"))
    return float(line.split()[-1])


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="itvision-checkout-") as tmp:
        database_url = f"sqlite+aiosqlite:///{tmp}/itvision.db"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_serving(
            port,
            Path(tmp),
            database_url,
            TOKEN,
            jwt_secret=JWT_SECRET,
            payment_simulators="true",
            payment_simulators_approve_at_once="true",
            payment_public_url=url,
            payment_simulator_wave_port=str(free_port()),
            payment_simulator_orange_money_port=str(free_port()),
        )
        try:
            await wait_until_serving(url, process)
            limits = httpx.Limits(
                max_connections=args.clients + 2, max_keepalive_connections=args.clients + 2
            )
            async with httpx.AsyncClient(
                base_url=url,
                headers={"Authorization": f"Bearer {TOKEN}"},
                limits=limits,
                timeout=60,
            ) as client:
                skus = await stock_the_shop(client)
                warm = await place_orders(client, skus, args.warmup, args.clients, "warm")
                await settled(client, database_url, warm)
                before = await statements(client)
                cpu_before = cpu_seconds(process.pid)
                started = time.time()
                orders = await place_orders(client, skus, args.orders, args.clients, "run")
                times = await settled(client, database_url, orders)
                spent = await statements(client) - before
                cpu = cpu_seconds(process.pid) - cpu_before
                reference = await http_alone(client, args.orders, args.clients)
        finally:
            process.terminate()
            process.wait(30)
    last = max(times["confirmed"].values())
    return {
        "rate": len(orders) / (last - started),
        "delays": [times["confirmed"][o] - times["placed"][o] for o in orders],
        "statements": spent / len(orders),
        "cpu_ms": 1000 * cpu / len(orders),
        "reference": reference,
    }


def report(result: dict[str, Any]) -> bool:
    delays = [d * 1000 for d in result["delays"]]
    p99 = percentile(delays, 0.99)
    table = Table(title="Orders from cart to confirmed — one `itvision serve`, SQLite, SQL log")
    columns = (
        "orders/s",
        "HTTP alone",
        "ratio",
        "checkout→confirmed p50",
        "p99",
        "SQL / order",
        "CPU / order",
    )
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(
        f"{result['rate']:.1f}",
        f"{result['reference']:.1f}",
        f"{result['rate'] / result['reference']:.3f}",
        f"{percentile(delays, 0.5):.0f} ms",
        f"{p99:.0f} ms",
        f"{result['statements']:.1f}",
        f"{result['cpu_ms']:.0f} ms",
    )
    console.print(table)
    checks = [
        (f"{result['rate']:.1f} orders/s", result["rate"] >= TARGET_ORDERS_PER_SECOND, ">= 150"),
        (f"checkout→confirmed p99 {p99:.0f} ms", p99 <= TARGET_P99_MS, "<= 500 ms"),
        (
            f"{result['statements']:.1f} SQL statements per order",
            result["statements"] <= TARGET_STATEMENTS,
            "<= 60",
        ),
    ]
    for label, ok, target in checks:
        console.print(f"  {label} (target {target}) {'OK' if ok else 'MISSED'}")
    return all(ok for _, ok, _ in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    sys.exit(0 if report(asyncio.run(measure(args))) else 1)


if __name__ == "__main__":
    main()
