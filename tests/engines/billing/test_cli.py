"""`itvision billing …`, run as a user runs it, on a data dir of its own."""

from __future__ import annotations

import asyncio
import json

import pytest

from itvision import migrations
from itvision.app import build_platform
from itvision.engines.billing.commands import GenerateInvoice, RecordOrder, SoldLine
from itvision.engines.billing.services.invoices import generate_invoice
from itvision.engines.billing.services.orders import record_order
from itvision.platform.events import utcnow
from itvision.settings import load_settings
from tests.support.cli import Ran, itvision


@pytest.fixture
def run(tmp_path, monkeypatch):
    env = {"ITVISION_DATA_DIR": str(tmp_path), "COLUMNS": "160"}

    async def prepare() -> str:
        platform = build_platform(load_settings(data_dir=tmp_path))
        try:
            await migrations.upgrade(platform.db)
            await record_order(
                platform,
                RecordOrder(
                    order_id="CMD-CLI",
                    customer_id="cust-1",
                    lines=(SoldLine("SSD-1TB", "p-ssd", "SSD Samsung 1 To", 1, 389_400),),
                    subtotal=389_400,
                    discount_total=0,
                    shipping_fee=0,
                    vat_total=59_400,
                    total=389_400,
                    currency="XOF",
                    payment_method="cash_on_delivery",
                    delivery_method="pickup",
                    delivery_address=None,
                    quote_id=None,
                    placed_at=utcnow(),
                ),
            )
            return (await generate_invoice(platform, GenerateInvoice("CMD-CLI"))).number
        finally:
            await platform.close()

    number = asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)  # where `pdf` writes its file

    def run(*args: str) -> Ran:
        return itvision("billing", *args, env=env)

    run.number = number  # type: ignore[attr-defined]
    return run


def test_list_invoices_write_a_pdf_and_announce_overdue(run, tmp_path):
    listed = run("invoices")
    assert listed.returncode == 0, listed.stderr
    assert run.number in listed.stdout and "389\u00a0400\u00a0F\u00a0CFA" in listed.stdout
    as_json = run("invoices", "--json", "--status", "issued")
    assert json.loads(as_json.stdout)[0]["total"] == 389_400
    written = run("pdf", run.number, "--lang", "en")
    assert written.returncode == 0, written.stderr
    assert (tmp_path / f"{run.number}.pdf").read_bytes().startswith(b"%PDF")
    missing = run("pdf", "FAC-2020-000009")
    assert missing.returncode == 1 and "no document numbered FAC-2020-000009" in missing.stderr
    overdue = run("overdue")
    assert overdue.returncode == 0 and "0 invoice(s) announced overdue" in overdue.stdout
