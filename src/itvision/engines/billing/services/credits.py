"""Credit notes for refunds (`order.order.refunded`): a return after delivery, a partial
refund, a commercial gesture. The refund's amount is credited against the order's invoice
(never more than it still holds), once per refund. A refund seen before the invoice waits for
it (NotYet): a refunded order was confirmed, so its invoice is coming."""

from __future__ import annotations

from sqlalchemy import select

from itvision.engines.billing.commands import CreditRefund
from itvision.engines.billing.events import SOURCE
from itvision.engines.billing.models import CreditNote, Invoice
from itvision.engines.billing.rules import states
from itvision.engines.billing.services.credit_notes import CreditNoteBook, refund_cause
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def credit_refund(on: Runner, command: CreditRefund) -> CreditNote | None:
    async with unit_of_work(on, SOURCE) as uow:
        invoice = await uow.session.scalar(
            select(Invoice).where(Invoice.order_id == command.order_id)
        )
        if invoice is None:
            raise NotYet(f"order {command.order_id} was refunded before it was invoiced")
        names = {line["sku"]: line["description"] for line in invoice.lines}
        goods = ", ".join(
            f"{line.quantity} × {names.get(line.sku, line.sku)}" for line in command.lines
        )
        book = CreditNoteBook(uow, utcnow())
        return await book.issue(
            invoice,
            cause=refund_cause(command.refund_id),
            reason=states.credit_reason(command.reason),
            asked=command.amount,
            goods=goods,
            order_refund_id=command.refund_id,
        )
