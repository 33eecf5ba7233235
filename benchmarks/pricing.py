"""Cart quotes per second through the pricing API, next to a bare FastAPI endpoint measured in
the same run.

    python benchmarks/pricing.py [--requests N] [--concurrency C] [--repeat R]
                                                [--profile]

Why: a quote goes through authentication, validation, one unit of work (the cart's SKUs and
their settings read in two queries, the quote stored in one insert) and the breakdown of every
line. Shown against an endpoint that only validates the same body, what the engine costs reads
as a ratio on any machine. Target: >= 0.40 of the bare endpoint's rate.

How: two real uvicorn servers on 127.0.0.1, each a process of its own:
- `app`: the whole application as `itvision serve` runs it (every engine's consumers too), on a
  fresh SQLite data dir (WAL) with 10 products put into pricing through the engine's catalog
  use case, a category tier (5+ units −5 %) so that tiers are resolved for every line;
- `bare`: a FastAPI app whose POST /api/pricing/quotes takes the same pydantic `QuoteCreate`
  and answers 201 with a constant.
One client (httpx, C concurrent requests on keep-alive connections) sends the same 10-line cart
(quantities 1–3) as a customer with a JWT, to each server in turn: a warm-up, then N timed
requests; R rounds, the order alternating; the median of each is shown. Every answer is
checked (201; for the app, 10 lines and a total incl. VAT equal to the sum of the lines).
`--profile` instead profiles N quotes in-process (pyinstrument, httpx.ASGITransport).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
from rich.console import Console
from rich.table import Table

from itvision.engines.pricing.schemas import QuoteCreate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.servers import wait_until_serving

SECRET = "pricing-benchmark-secret-0123456789abcdef"
PRODUCTS = 10
TARGET = 0.40
console = Console(width=max(Console().width, 120))


def cart() -> dict[str, Any]:
    return {"lines": [{"sku": f"BENCH-{i}", "quantity": 1 + i % 3} for i in range(PRODUCTS)]}


def customer_token() -> str:
    claims = {
        "sub": "bench-customer",
        "role": "customer",
        "exp": datetime.now(UTC) + timedelta(hours=2),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITVISION_")}
    env.update(
        ITVISION_DATA_DIR=str(data_dir),
        ITVISION_JWT_SECRET=SECRET,
        ITVISION_LOG_LEVEL="warning",
        ITVISION_LOG_FORMAT="console",
    )
    return env


# --- the two servers ------------------------------------------------------------------------


def bare_app():  # type: ignore[no-untyped-def]
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/pricing/quotes", status_code=201)
    async def create_quote(body: QuoteCreate) -> dict[str, str]:
        return {"id": "bare"}

    return app


def serve(kind: str, port: int) -> None:
    import uvicorn

    if kind == "app":
        from itvision.app import create_app
        from itvision.platform.logs import configure_logging

        configure_logging("warning", "console")
        app = create_app()
    else:
        app = bare_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- data -----------------------------------------------------------------------------------


async def prepare(data_dir: Path) -> None:
    """Migrate a fresh database and put 10 products into pricing, through the engine's own
    catalog use case (as if their `catalog.product.created` had been consumed)."""
    from decimal import Decimal

    from itvision import migrations
    from itvision.app import build_platform
    from itvision.engines.catalog.events import ProductCreated
    from itvision.engines.pricing.commands import SetOverrides
    from itvision.engines.pricing.consumers import product_command
    from itvision.engines.pricing.rules.scopes import Overrides, category_scope
    from itvision.engines.pricing.rules.tiers import Tier
    from itvision.engines.pricing.services.catalog import sync_product
    from itvision.engines.pricing.services.settings import set_overrides
    from itvision.platform.events import utcnow
    from itvision.settings import load_settings

    platform = build_platform(load_settings(data_dir=data_dir, log_level="warning"))
    try:
        await migrations.upgrade(platform.db)
        for i in range(PRODUCTS):
            created = ProductCreated(
                product_id=f"bench-{i}",
                sku=f"BENCH-{i}",
                name=f"Produit {i}",
                category_id="laptops",
                category_path=["it", "computers", "laptops"],
                base_cost=100_000 + 12_345 * i,
                status="active",
                created_at=utcnow(),
            )
            await sync_product(platform, product_command(created))
        tiers = (Tier(5, Decimal("0.05")), Tier(10, Decimal("0.08")))
        overrides = Overrides(tiers=tiers)
        await set_overrides(platform, SetOverrides(category_scope("computers"), overrides, "bench"))
    finally:
        await platform.close()


# --- load -----------------------------------------------------------------------------------


def check(kind: str, response: httpx.Response) -> None:
    if response.status_code != 201:
        raise SystemExit(f"{kind}: {response.status_code} {response.text[:300]}")
    if kind == "app":
        quote = response.json()
        assert len(quote["lines"]) == PRODUCTS, quote
        assert quote["total_incl_vat"] == sum(li["line_total_incl_vat"] for li in quote["lines"])


async def rate(kind: str, url: str, requests: int, concurrency: int) -> float:
    body = json.dumps(cart()).encode()
    headers = {"Authorization": f"Bearer {customer_token()}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def worker(count: int) -> None:
            for _ in range(count):
                check(kind, await client.post("/api/pricing/quotes", content=body, headers=headers))

        await asyncio.gather(*(worker(5) for _ in range(concurrency)))  # warm-up
        shares = [
            requests // concurrency + (i < requests % concurrency) for i in range(concurrency)
        ]
        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in shares))
        return requests / (time.perf_counter() - started)


async def measure(args: argparse.Namespace, urls: dict[str, str]) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {"app": [], "bare": []}
    for round_ in range(args.repeat):
        order = ["app", "bare"] if round_ % 2 == 0 else ["bare", "app"]
        for kind in order:
            rates[kind].append(await rate(kind, urls[kind], args.requests, args.concurrency))
    return rates


def report(args: argparse.Namespace, rates: dict[str, list[float]]) -> None:
    app, bare = statistics.median(rates["app"]), statistics.median(rates["bare"])
    ratio = app / bare
    table = Table(
        title=f"Cart quotes ({PRODUCTS} lines) through HTTP — {args.requests} requests, "
        f"{args.concurrency} concurrent, median of {args.repeat}"
    )
    for column in ("endpoint", "quotes/s", "runs (quotes/s)", "ratio to bare", "target", "ok"):
        table.add_column(column, justify="right" if column != "endpoint" else "left")
    runs = {k: ", ".join(f"{v:,.0f}" for v in values) for k, values in rates.items()}
    table.add_row(
        "pricing API (POST /api/pricing/quotes)",
        f"{app:,.0f}",
        runs["app"],
        f"{ratio:.2f}",
        f">= {TARGET:.2f}",
        "[green]yes[/green]" if ratio >= TARGET else "[red]no[/red]",
    )
    table.add_row(
        "bare FastAPI, same QuoteCreate body", f"{bare:,.0f}", runs["bare"], "1.00", "", ""
    )
    console.print(table)


# --- profile --------------------------------------------------------------------------------


async def profile(data_dir: Path, requests: int) -> None:
    from pyinstrument import Profiler

    from itvision.app import build_platform, create_app
    from itvision.settings import load_settings

    platform = build_platform(
        load_settings(data_dir=data_dir, jwt_secret=SECRET, log_level="warning")
    )
    app = create_app(platform, run_consumers=False)
    headers = {"Authorization": f"Bearer {customer_token()}"}
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(20):
                check("app", await client.post("/api/pricing/quotes", json=cart(), headers=headers))
            profiler = Profiler(async_mode="enabled")
            profiler.start()
            for _ in range(requests):
                await client.post("/api/pricing/quotes", json=cart(), headers=headers)
            profiler.stop()
    console.print(profiler.output_text(unicode=True, color=False, show_all=False))


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile in-process instead")
    parser.add_argument("--serve", choices=["app", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    from itvision.platform.logs import configure_logging

    configure_logging("warning", "console")
    with tempfile.TemporaryDirectory(prefix="itvision-pricing-bench-") as tmp:
        data_dir = Path(tmp)
        asyncio.run(prepare(data_dir))
        if args.profile:
            asyncio.run(profile(data_dir, args.requests))
            return
        processes: dict[str, subprocess.Popen[bytes]] = {}
        urls: dict[str, str] = {}
        try:
            for kind in ("app", "bare"):
                port = free_port()
                processes[kind] = subprocess.Popen(
                    [sys.executable, __file__, "--serve", kind, "--port", str(port)],
                    env=server_env(data_dir),
                )
                urls[kind] = f"http://127.0.0.1:{port}"

            async def run() -> dict[str, list[float]]:
                for kind, url in urls.items():
                    await wait_until_serving(url, processes[kind])
                return await measure(args, urls)

            rates = asyncio.run(run())
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(timeout=30)
        report(args, rates)


if __name__ == "__main__":
    main()
