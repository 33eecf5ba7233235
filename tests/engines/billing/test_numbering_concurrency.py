"""No gap, no duplicate: 50 orders confirmed at once get invoices numbered 1 to 50, on SQLite
(write transactions take turns) and on PostgreSQL (the counter row is locked by the
transaction that takes a number, until it commits)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from itvision.engines.billing.commands import GenerateInvoice
from itvision.engines.billing.models import Invoice
from itvision.engines.billing.services.invoices import generate_invoice
from tests.conftest import COMBINATIONS
from tests.engines.billing.support import place, published, settled

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)


async def test_50_concurrent_confirmations_are_numbered_1_to_50(system):
    orders = [f"CMD-{i:02d}" for i in range(50)]
    for order_id in orders:
        await place(system, order_id)
    await settled(system)

    # Each confirmation in its own transaction, all at once, twice over for half of them.
    invoices = await asyncio.gather(
        *(generate_invoice(system, GenerateInvoice(o)) for o in orders + orders[::2])
    )

    year = invoices[0].issued_at.year
    numbers = sorted(invoice.number for invoice in invoices[:50])
    assert numbers == [f"FAC-{year}-{n:06d}" for n in range(1, 51)]
    assert {i.order_id: i.number for i in invoices[50:]} == {
        i.order_id: i.number for i in invoices[:50] if i.order_id in orders[::2]
    }
    async with system.db.reads() as session:
        stored = list(await session.scalars(select(Invoice.number).order_by(Invoice.number)))
    assert stored == numbers
    announced = await published(system, "billing.invoice.generated")
    assert sorted(e["invoiceNumber"] for e in announced) == numbers
