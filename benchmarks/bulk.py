"""Bulk work must not stall the shop: a 20,000-row catalog import through the API, then the
time until every consumer group has caught up, and the longest /healthz wait meanwhile.

    python benchmarks/bulk.py [--rows N] [--db sqlite|postgres]

Why: a merchant imports a whole catalog from a spreadsheet (20,000 rows is the allowed most).
The import is one transaction; then pricing, inventory, promotion and the catalog's own price
projection each take 20,000 events. While they do, the shop must keep answering.

How: `itvision serve` (every consumer running) in a process of its own on a fresh database;
a prober asks /healthz every 50 ms from the start of the import until every group's lag is 0
(GET /api/events/groups) and keeps the longest answer time. Shown next to it, the same prober
against the same server at rest, measured first in the same run.

Targets (SQLite): catch-up <= 30 s after the import answered, no /healthz wait over 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.servers import (
    PostgresServer,
    free_port,
    start_serving,
    wait_until_serving,
)

TOKEN = "bulk-benchmark-admin-token-0123456789abcdef"
TARGET_CATCH_UP_SECONDS = 30.0
TARGET_HEALTHZ_MS = 250.0
HEADER = "sku;nom_fr;marque;categorie;statut;etat;ram_go;stockage_go;processeur;cout_achat"
BRANDS = ("HP", "Dell", "Lenovo", "Asus", "Acer", "Apple")
CATEGORIES = ("Ordinateurs > Portables", "Ordinateurs > Bureau", "Écrans", "Imprimantes")
console = Console()


def spreadsheet(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        brand = BRANDS[i % len(BRANDS)]
        lines.append(
            f"BULK-{i:06d};{brand} modèle {i};{brand};{CATEGORIES[i % len(CATEGORIES)]};actif;"
            f"neuf;{8 * (1 + i % 4)} Go;{256 * (1 + i % 4)} Go;Intel Core i5;{150_000 + i} F"
        )
    return ("\n".join(lines) + "\n").encode()


class Prober:
    """Asks /healthz every 50 ms and keeps the longest answer time."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.longest = 0.0
        self.count = 0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            response = await self.client.get("/healthz")
            response.raise_for_status()
            self.longest = max(self.longest, time.perf_counter() - started)
            self.count += 1
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()


async def at_rest(client: httpx.AsyncClient) -> float:
    prober = Prober(client)
    task = asyncio.create_task(prober.run())
    await asyncio.sleep(2)
    prober.stop()
    await task
    return prober.longest


async def caught_up(client: httpx.AsyncClient) -> dict[str, int]:
    groups = (await client.get("/api/events/groups")).json()
    return {g["group"]: g["lag"] for g in groups}


async def measure(url: str, rows: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=600) as client,
        httpx.AsyncClient(base_url=url, timeout=60) as probe,
    ):
        rest = await at_rest(probe)
        body = spreadsheet(rows)
        prober = Prober(probe)
        probing = asyncio.create_task(prober.run())
        started = time.perf_counter()
        response = await client.post(
            "/api/catalog/imports",
            params={"create_categories": "true"},
            content=body,
            headers={"Content-Type": "text/csv"},
        )
        imported = time.perf_counter()
        if response.status_code != 200:
            raise SystemExit(f"import: {response.status_code} {response.text[:500]}")
        report = response.json()
        if report.get("errors"):
            raise SystemExit(f"import reported errors: {report['errors'][:3]}")
        deadline = imported + 600
        while True:
            lags = await caught_up(client)
            if all(lag == 0 for lag in lags.values()):
                break
            if time.perf_counter() > deadline:
                raise SystemExit(f"not caught up after 600 s: {lags}")
            await asyncio.sleep(0.2)
        done = time.perf_counter()
        prober.stop()
        await probing
    return {
        "import": imported - started,
        "catch_up": done - imported,
        "healthz": prober.longest,
        "healthz_rest": rest,
        "probes": prober.count,
    }


async def up_and_measured(
    url: str, process: subprocess.Popen[bytes], rows: int
) -> dict[str, float]:
    await wait_until_serving(url, process)
    return await measure(url, rows)


def run(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="itvision-bulk-") as tmp:
        server = PostgresServer().start() if args.db == "postgres" else None
        database_url = (
            server.url() if server else f"sqlite+aiosqlite:///{Path(tmp) / 'itvision.db'}"
        )
        port = free_port()
        process = start_serving(port, Path(tmp), database_url, TOKEN)
        try:
            figures = asyncio.run(up_and_measured(f"http://127.0.0.1:{port}", process, args.rows))
        finally:
            process.terminate()
            process.wait(60)
            if server:
                server.stop()
    name = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    console.print(
        f"bulk import ({name}, {args.rows:,} rows): import answered in {figures['import']:.1f} s"
        f" | every group caught up {figures['catch_up']:.1f} s later"
        f" | longest /healthz wait {figures['healthz'] * 1000:.0f} ms"
        f" ({figures['probes']:.0f} probes; at rest {figures['healthz_rest'] * 1000:.0f} ms)"
    )
    catch_up_ok = figures["catch_up"] <= TARGET_CATCH_UP_SECONDS
    healthz_ok = figures["healthz"] * 1000 <= TARGET_HEALTHZ_MS
    console.print(
        f"  catch-up {figures['catch_up']:.1f} s (target <= 30 s) "
        f"{'OK' if catch_up_ok else 'MISSED'}; /healthz {figures['healthz'] * 1000:.0f} ms "
        f"(target <= 250 ms) {'OK' if healthz_ok else 'MISSED'}"
    )
    return catch_up_ok and healthz_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    sys.exit(0 if run(args) else 1)


if __name__ == "__main__":
    main()
