"""Reads of orders: one order (a customer's own only), a search for staff, an order's
timeline and refunds, a checkout by its key, and the unpaid orders past their deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from itvision.engines.order.models import Checkout, Order, Refund, TimelineEntry
from itvision.engines.order.rules.lifecycle import UNPAID
from itvision.platform.errors import NotFound
from itvision.platform.pagination import Page, PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class OrderSearch:
    """Staff's search; a customer's list is the same with `customer_id` set to theirs."""

    status: str | None = None
    customer_id: str | None = None
    payment_method: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None


async def find_order(on: Runner, order_id: str) -> Order | None:
    async with read_session(on) as session:
        # Read only, so the lines come in the same statement (see docs/architecture.md).
        return await session.get(Order, order_id, options=[joinedload(Order.lines)])


async def get_order(on: Runner, order_id: str, customer_id: str | None = None) -> Order:
    """The order; with `customer_id`, only if it is theirs (the same 404 as a missing one)."""
    order = await find_order(on, order_id)
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise NotFound("order not found", field="order_id")
    return order


async def list_orders(on: Runner, search: OrderSearch, paging: PageParams) -> Page[Order]:
    """Newest first."""
    query = select(Order)
    if search.status is not None:
        query = query.where(Order.status == search.status)
    if search.customer_id is not None:
        query = query.where(Order.customer_id == search.customer_id)
    if search.payment_method is not None:
        query = query.where(Order.payment_method == search.payment_method)
    if search.placed_from is not None:
        query = query.where(Order.placed_at >= search.placed_from)
    if search.placed_to is not None:
        query = query.where(Order.placed_at < search.placed_to)
    return await _page(on, query.order_by(Order.placed_at.desc(), Order.id), paging)


async def _page(on: Runner, query: Select[Order], paging: PageParams) -> Page[Order]:
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(query.limit(paging.limit).offset(paging.offset))
        return Page.of(rows, int(total or 0), paging)


async def timeline(on: Runner, order_id: str) -> list[TimelineEntry]:
    """In the order the engine learned each step."""
    async with read_session(on) as session:
        rows = await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.order_id == order_id)
            .order_by(TimelineEntry.id)
        )
        return list(rows)


async def refunds_of(on: Runner, order_id: str) -> list[Refund]:
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Refund).where(Refund.order_id == order_id).order_by(Refund.requested_at)
        )
        return list(rows)


async def checkout_of(on: Runner, customer_id: str, idempotency_key: str) -> Checkout | None:
    async with read_session(on) as session:
        return await session.get(Checkout, (customer_id, idempotency_key))


async def overdue_orders(on: Runner, as_of: datetime) -> list[str]:
    """Orders waiting for a mobile-money payment whose deadline had passed at `as_of`."""
    async with read_session(on) as session:
        rows = await session.scalars(
            select(Order.id)
            .where(
                Order.status.in_(sorted(UNPAID)),
                Order.pay_by <= as_of,
                Order.paid_at.is_(None),
            )
            .order_by(Order.pay_by)
        )
        return list(rows)
