"""Billing engine (`billing-engine`): quotes (devis), an invoice per confirmed order with a
gapless yearly number, credit notes (avoirs), their PDF documents and public verification.
Its public contract is `events`; this facade offers the synchronous read other engines may
need (an order's timeline, a notification):

    invoice = await invoice_of_order(platform, "CMD-1042")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itvision.platform.system import Platform

__all__ = ["InvoiceSummary", "invoice_of_order"]


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    invoice_id: str
    number: str
    order_id: str
    total: int
    currency: str
    status: str  # issued, paid, overdue or credited
    issued_at: datetime
    due_at: datetime


async def invoice_of_order(platform: Platform, order_id: str) -> InvoiceSummary | None:
    """The order's invoice, or None while it has none."""
    # Imported here so that importing the engine's `events` stays light for other engines.
    from itvision.engines.billing import queries
    from itvision.platform.events import utcnow

    view = await queries.invoices.invoice_of_order(platform, order_id, utcnow())
    if view is None:
        return None
    invoice = view.invoice
    return InvoiceSummary(
        invoice.id,
        invoice.number,
        invoice.order_id,
        invoice.total,
        invoice.currency,
        view.status,
        invoice.issued_at,
        invoice.due_at,
    )
