"""Credit notes (avoirs), each with the number of the invoice it credits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select

from itvision.engines.billing.models import CreditNote, Invoice
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class CreditNoteView:
    note: CreditNote
    invoice_number: str
    invoice_issued_at: datetime
    seller: dict[str, Any]  # as the invoice it credits names it
    buyer: dict[str, Any]
    vat_rate: Decimal


def _view(row: Any) -> CreditNoteView:
    return CreditNoteView(*row)


_VIEWS = select(
    CreditNote, Invoice.number, Invoice.issued_at, Invoice.seller, Invoice.buyer, Invoice.vat_rate
).join(Invoice, Invoice.id == CreditNote.invoice_id)


async def credit_notes(
    on: Runner,
    paging: PageParams,
    *,
    customer_id: str | None = None,
    invoice_id: str | None = None,
    order_id: str | None = None,
) -> tuple[list[CreditNoteView], int]:
    """A page of credit notes, newest first, and how many match."""
    conditions: list[ColumnElement[bool]] = []
    if customer_id is not None:
        conditions.append(CreditNote.customer_id == customer_id)
    if invoice_id is not None:
        conditions.append(CreditNote.invoice_id == invoice_id)
    if order_id is not None:
        conditions.append(CreditNote.order_id == order_id)
    async with read_session(on) as session:
        total = await session.scalar(
            select(func.count()).select_from(CreditNote).where(*conditions)
        )
        rows = await session.execute(
            _VIEWS.where(*conditions)
            .order_by(CreditNote.issued_at.desc(), CreditNote.number.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return [_view(row) for row in rows], total or 0


async def credit_note(on: Runner, credit_note_id: str) -> CreditNoteView:
    async with read_session(on) as session:
        row = (await session.execute(_VIEWS.where(CreditNote.id == credit_note_id))).first()
    if row is None:
        raise NotFound("credit note not found", field="credit_note_id")
    return _view(row)


async def credit_note_by_number(on: Runner, number: str) -> CreditNoteView | None:
    async with read_session(on) as session:
        row = (await session.execute(_VIEWS.where(CreditNote.number == number))).first()
    return None if row is None else _view(row)
