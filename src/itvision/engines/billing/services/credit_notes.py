"""`CreditNoteBook`: issues a credit note (avoir) against an invoice inside the caller's unit of
work, once per cause (the order's cancellation, or one refund), for no more than the invoice
still holds, with the next `AV-` number."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import func, select

from itvision.engines.billing.events import CreditIssued
from itvision.engines.billing.models import CreditNote, Invoice
from itvision.engines.billing.rules.amounts import credit_amounts
from itvision.engines.billing.rules.numbering import CREDIT_NOTE
from itvision.engines.billing.rules.states import CreditReason
from itvision.engines.billing.services.numbering import DocumentNumbers
from itvision.engines.billing.settings import BillingSettings
from itvision.platform.uow import UnitOfWork

log = structlog.get_logger("itvision.billing")
CANCELLATION = "cancellation"


def refund_cause(refund_id: str) -> str:
    return f"refund:{refund_id}"


class CreditNoteBook:
    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.session = uow.session
        self.now = now

    async def issue(
        self,
        invoice: Invoice,
        *,
        cause: str,
        reason: CreditReason,
        asked: int | None,
        goods: str = "",
        order_refund_id: str | None = None,
    ) -> CreditNote | None:
        """A credit note for `asked` (a refund of `goods`, when they came back), or for all the
        invoice still holds when None; the one already issued for this cause; None when the
        invoice holds nothing more."""
        # Serializes credit notes of one invoice on PostgreSQL (a lock, not a change).
        await self.session.execute(
            select(Invoice.id).where(Invoice.id == invoice.id).with_for_update()
        )
        existing = await self.session.scalar(
            select(CreditNote).where(CreditNote.invoice_id == invoice.id, CreditNote.cause == cause)
        )
        if existing is not None:
            return existing
        credited, credited_vat = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(CreditNote.amount), 0),
                    func.coalesce(func.sum(CreditNote.vat_amount), 0),
                ).where(CreditNote.invoice_id == invoice.id)
            )
        ).one()
        amounts = credit_amounts(
            asked,
            invoice_total=invoice.total,
            invoice_vat=invoice.vat_amount,
            credited=credited,
            credited_vat=credited_vat,
            rate=invoice.vat_rate,
        )
        if amounts is None:
            log.warning("nothing left to credit", invoice=invoice.number, cause=cause)
            return None
        number = await DocumentNumbers(self.session).take(CREDIT_NOTE, self.now.year)
        note = CreditNote(
            id=str(uuid.uuid4()),
            number=number,
            invoice_id=invoice.id,
            order_id=invoice.order_id,
            customer_id=invoice.customer_id,
            cause=cause,
            reason=reason,
            order_refund_id=order_refund_id,
            lines=_lines(invoice, credited, amounts.amount, goods, whole=asked is None),
            amount=amounts.amount,
            vat_amount=amounts.vat_amount,
            currency=invoice.currency,
            issued_at=self.now,
            verification_token=secrets.token_urlsafe(18),
        )
        self.session.add(note)
        settings = self.uow.settings_of(BillingSettings)
        self.uow.emit(
            CreditIssued(
                credit_note_id=note.id,
                credit_note_number=note.number,
                invoice_id=invoice.id,
                invoice_number=invoice.number,
                order_id=invoice.order_id,
                customer_id=invoice.customer_id,
                amount=note.amount,
                currency=note.currency,
                reason=reason,
                order_refund_id=order_refund_id,
                document_url=f"{settings.public_url}/api/billing/credit-notes/{note.id}/pdf",
                issued_at=self.now,
            )
        )
        return note


def _lines(
    invoice: Invoice, credited: int, amount: int, goods: str, *, whole: bool
) -> list[dict[str, Any]]:
    """A refund is one line (what came back, if anything); a cancellation credits every line
    of the invoice and its delivery fee, or, after refunds, the balance they left."""
    if not whole or credited:
        kind = "balance" if whole else "refund"
        return [{"kind": kind, "sku": "", "description": goods, "quantity": 1, "amount": amount}]
    lines = [
        {
            "kind": "goods",
            "sku": line["sku"],
            "description": line["description"],
            "quantity": line["quantity"],
            "amount": line["amount"],
        }
        for line in invoice.lines
    ]
    if invoice.shipping_fee:
        lines.append(
            {
                "kind": "shipping",
                "sku": "",
                "description": "",
                "quantity": 1,
                "amount": invoice.shipping_fee,
            }
        )
    return lines
