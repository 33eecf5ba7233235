"""Reads: payments, refunds, what payment knows of an order, and what the jobs have to do.
Nothing here changes state. Each takes what it runs on: the platform (a read session of its
own) or a use case's unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, or_, select

from itvision.engines.payment.models import Payment, PaymentOrder, ProviderNotification, Refund
from itvision.engines.payment.rules.states import OrderFacts, OrderState, order_state
from itvision.platform.auth import Principal
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session

T = TypeVar("T")


async def find_payment(on: Runner, payment_id: str) -> Payment | None:
    async with read_session(on) as session:
        return await session.get(Payment, payment_id)


async def payment(on: Runner, payment_id: str) -> Payment:
    found = await find_payment(on, payment_id)
    if found is None:
        raise NotFound("payment not found", field="payment_id")
    return found


async def payment_of_delivery(
    on: Runner, *, reference: str | None, notif_token: str | None
) -> Payment | None:
    """The payment a provider's delivery names, by session reference or notif_token."""
    if reference is None and notif_token is None:
        return None
    column, value = (
        (Payment.provider_reference, reference)
        if reference is not None
        else (Payment.notif_token, notif_token)
    )
    async with read_session(on) as session:
        return await session.scalar(select(Payment).where(column == value))


async def payments(
    on: Runner,
    paging: PageParams,
    *,
    order_id: str | None = None,
    customer_id: str | None = None,
    status: str | None = None,
    method: str | None = None,
) -> tuple[list[Payment], int]:
    query = select(Payment)
    for column, value in (
        (Payment.order_id, order_id),
        (Payment.customer_id, customer_id),
        (Payment.status, status),
        (Payment.method, method),
    ):
        if value is not None:
            query = query.where(column == value)
    return await _page(on, query.order_by(Payment.created_at.desc(), Payment.id), paging)


async def refunds(
    on: Runner, paging: PageParams, *, status: str | None = None, order_id: str | None = None
) -> tuple[list[Refund], int]:
    query = select(Refund)
    if status is not None:
        query = query.where(Refund.status == status)
    if order_id is not None:
        query = query.where(Refund.order_id == order_id)
    return await _page(on, query.order_by(Refund.created_at.desc(), Refund.id), paging)


async def _page(on: Runner, query: Select[T], paging: PageParams) -> tuple[list[T], int]:
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(query.limit(paging.limit).offset(paging.offset))
        return list(rows), total or 0


async def order_state_of(on: Runner, order_id: str, caller: Principal, now: datetime) -> OrderState:
    """Whether the caller may pay the order now (someone else's order looks unknown)."""
    paid = (
        select(Payment.id)
        .where(Payment.order_id == PaymentOrder.order_id, Payment.status == "succeeded")
        .exists()
    )
    async with read_session(on) as session:
        row = (
            await session.execute(
                select(PaymentOrder, paid).where(PaymentOrder.order_id == order_id)
            )
        ).first()
    if row is None or not caller.owns(row[0].customer_id or ""):
        return order_state(facts_of(None, paid=False), now)
    return order_state(facts_of(row[0], paid=row[1]), now)


def facts_of(order: PaymentOrder | None, *, paid: bool) -> OrderFacts:
    if order is None:
        return OrderFacts(False, False, False, None, None, paid)
    return OrderFacts(
        placed=order.placed_at is not None,
        reserved=order.reserved_at is not None,
        cancelled=order.cancelled_at is not None,
        method=order.method,
        pay_by=order.pay_by,
        paid=paid,
    )


async def pending_payments(
    on: Runner, *, created_before: datetime, checked_before: datetime | None = None
) -> list[Payment]:
    """Payments still waiting for their provider's word, oldest first; with
    `checked_before`, only those not asked about since."""
    query = select(Payment).where(Payment.status == "pending", Payment.created_at <= created_before)
    if checked_before is not None:
        query = query.where(or_(Payment.checked_at.is_(None), Payment.checked_at <= checked_before))
    async with read_session(on) as session:
        return list(await session.scalars(query.order_by(Payment.created_at)))


async def stale_initiations(on: Runner, created_before: datetime) -> Sequence[str]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Payment.id).where(
                Payment.status == "initiating", Payment.created_at <= created_before
            )
        )
        return list(rows)


async def notification(on: Runner, notification_id: int) -> ProviderNotification | None:
    async with read_session(on) as session:
        return await session.get(ProviderNotification, notification_id)


async def notification_by_event(
    on: Runner, method: str, event_id: str
) -> ProviderNotification | None:
    async with read_session(on) as session:
        return await session.scalar(
            select(ProviderNotification).where(
                ProviderNotification.provider == method,
                ProviderNotification.event_id == event_id,
            )
        )


async def unprocessed_notifications(
    on: Runner, received_before: datetime, max_attempts: int
) -> list[int]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(ProviderNotification.id)
            .where(
                ProviderNotification.processed_at.is_(None),
                ProviderNotification.received_at <= received_before,
                ProviderNotification.attempts < max_attempts,
            )
            .order_by(ProviderNotification.id)
        )
        return list(rows)


async def due_refunds(on: Runner, as_of: datetime) -> list[Refund]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Refund)
            .where(Refund.status == "pending", Refund.next_attempt_at <= as_of)
            .order_by(Refund.next_attempt_at)
        )
        return list(rows)


async def sessions_to_close(on: Runner) -> list[Payment]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Payment).where(
                Payment.status == "cancelled",
                Payment.session_closed.is_(False),
                Payment.provider_reference.is_not(None),
            )
        )
        return list(rows)


async def refund(on: Runner, refund_id: str) -> Refund:
    async with read_session(on) as session:
        found = await session.get(Refund, refund_id)
    if found is None:
        raise NotFound("refund not found", field="refund_id")
    return found
