"""The public check of a document, reached by the QR code printed on it: that an invoice or a
credit note with this number exists, with its amount and status, for whoever holds the link
(the number and the document's secret token). Nothing personal: no buyer, no lines."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.engines.billing.queries.credit_notes import credit_note_by_number
from itvision.engines.billing.queries.invoices import invoice_by_number
from itvision.engines.billing.rules.numbering import CREDIT_NOTE, INVOICE, parse_number
from itvision.platform.errors import NotFound
from itvision.platform.uow import Runner


@dataclass(frozen=True, slots=True)
class Verification:
    kind: Literal["invoice", "credit_note"]
    number: str
    issued_at: datetime
    total: int
    currency: str
    status: str
    seller_name: str
    invoice_number: str | None = None


def _matches(token: str, expected: str) -> bool:
    return hmac.compare_digest(token.encode(), expected.encode())


async def verify_document(on: Runner, number: str, token: str, now: datetime) -> Verification:
    """The document's public facts; 404 for an unknown number or a wrong token alike."""
    parsed = parse_number(number)
    if parsed is not None and parsed.series == INVOICE:
        view = await invoice_by_number(on, number, now)
        if view is not None and _matches(token, view.invoice.verification_token):
            invoice = view.invoice
            return Verification(
                "invoice",
                invoice.number,
                invoice.issued_at,
                invoice.total,
                invoice.currency,
                view.status,
                invoice.seller["name"],
            )
    if parsed is not None and parsed.series == CREDIT_NOTE:
        credit = await credit_note_by_number(on, number)
        if credit is not None and _matches(token, credit.note.verification_token):
            note = credit.note
            return Verification(
                "credit_note",
                note.number,
                note.issued_at,
                note.amount,
                note.currency,
                "issued",
                credit.seller["name"],
                credit.invoice_number,
            )
    raise NotFound("no document with this number and token", field="number")
