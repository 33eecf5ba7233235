"""Invoices with what happened to them since: paid and credited amounts, and the status those
give (`rules.states.invoice_status`), computed in SQL for filters and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, select

from itvision.engines.billing.models import CreditNote, Invoice, InvoicePayment, OverdueNotice
from itvision.engines.billing.rules.states import InvoiceStatus, invoice_status
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class InvoiceView:
    invoice: Invoice
    paid: int
    credited: int
    paid_at: datetime | None
    status: InvoiceStatus

    @property
    def balance_due(self) -> int:
        return max(self.invoice.total - self.paid - self.credited, 0)


@dataclass(frozen=True, slots=True)
class InvoiceFilters:
    customer_id: str | None = None
    status: InvoiceStatus | None = None
    order_id: str | None = None
    number: str | None = None
    business: bool | None = None
    issued_from: datetime | None = None
    issued_to: datetime | None = None


def _paid() -> Any:
    return (
        select(func.coalesce(func.sum(InvoicePayment.amount), 0))
        .where(InvoicePayment.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )


def _credited() -> Any:
    return (
        select(func.coalesce(func.sum(CreditNote.amount), 0))
        .where(CreditNote.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )


def _last_paid() -> Any:
    return (
        select(func.max(InvoicePayment.paid_at))
        .where(InvoicePayment.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )


def _status_is(status: InvoiceStatus, now: datetime) -> ColumnElement[bool]:
    """`rules.states.invoice_status`, as SQL."""
    paid, credited = _paid(), _credited()
    credited_in_full = and_(Invoice.total > 0, credited >= Invoice.total)
    settled = paid + credited >= Invoice.total
    late = and_(Invoice.is_business.is_(True), Invoice.due_at <= now - timedelta(days=1))
    if status == "credited":
        return credited_in_full
    if status == "paid":
        return and_(not_(credited_in_full), settled)
    if status == "overdue":
        return and_(not_(settled), late)
    return and_(not_(settled), not_(late))


def _views() -> Select[Any]:
    return select(
        Invoice, _paid().label("paid"), _credited().label("credited"), _last_paid().label("at")
    )


def _view(row: Any, now: datetime) -> InvoiceView:
    invoice, paid, credited, paid_at = row
    status = invoice_status(
        total=invoice.total,
        paid=paid,
        credited=credited,
        is_business=invoice.is_business,
        due=invoice.due_at,
        now=now,
    )
    return InvoiceView(invoice, paid, credited, paid_at, status)


def _conditions(filters: InvoiceFilters, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.customer_id is not None:
        found.append(Invoice.customer_id == filters.customer_id)
    if filters.order_id is not None:
        found.append(Invoice.order_id == filters.order_id)
    if filters.number is not None:
        found.append(Invoice.number == filters.number)
    if filters.business is not None:
        found.append(Invoice.is_business.is_(filters.business))
    if filters.issued_from is not None:
        found.append(Invoice.issued_at >= filters.issued_from)
    if filters.issued_to is not None:
        found.append(Invoice.issued_at < filters.issued_to)
    if filters.status is not None:
        found.append(_status_is(filters.status, now))
    return found


async def invoices(
    on: Runner, paging: PageParams, filters: InvoiceFilters, now: datetime
) -> tuple[list[InvoiceView], int]:
    """A page of invoices, newest first, and how many match."""
    conditions = _conditions(filters, now)
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(Invoice).where(*conditions))
        rows = await session.execute(
            _views()
            .where(*conditions)
            .order_by(Invoice.issued_at.desc(), Invoice.number.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return [_view(row, now) for row in rows], total or 0


async def invoice(on: Runner, invoice_id: str, now: datetime) -> InvoiceView:
    async with read_session(on) as session:
        row = (await session.execute(_views().where(Invoice.id == invoice_id))).first()
    if row is None:
        raise NotFound("invoice not found", field="invoice_id")
    return _view(row, now)


async def invoice_by_number(on: Runner, number: str, now: datetime) -> InvoiceView | None:
    async with read_session(on) as session:
        row = (await session.execute(_views().where(Invoice.number == number))).first()
    return None if row is None else _view(row, now)


async def invoice_of_order(on: Runner, order_id: str, now: datetime) -> InvoiceView | None:
    async with read_session(on) as session:
        row = (await session.execute(_views().where(Invoice.order_id == order_id))).first()
    return None if row is None else _view(row, now)


async def overdue_unnoticed(on: Runner, now: datetime) -> list[InvoiceView]:
    """Business invoices overdue that no notice announced yet, oldest due first."""
    noticed = select(OverdueNotice.invoice_id).where(OverdueNotice.invoice_id == Invoice.id)
    async with read_session(on) as session:
        rows = await session.execute(
            _views()
            .where(_status_is("overdue", now), ~noticed.exists())
            .order_by(Invoice.due_at, Invoice.number)
        )
        return [_view(row, now) for row in rows]
