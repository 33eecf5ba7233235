"""Cancelling an order before it ships: by its customer, by staff, or by the expiry job when
an order paid by mobile money is not paid by its deadline (`pay_by`). `order.order.cancelled`
makes inventory release the stock, promotion give the codes back and payment refund what it
took."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog

from itvision.engines.order import queries
from itvision.engines.order.commands import CancelOrder, ExpireOrders
from itvision.engines.order.events import SOURCE
from itvision.engines.order.models import Order
from itvision.engines.order.rules import lifecycle
from itvision.engines.order.services.order_book import OrderBook, progress_of, status_of
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

log = structlog.get_logger("itvision.order")


async def cancel_order(on: Runner, command: CancelOrder) -> Order:
    """409 `invalid_transition` (with the current status and the allowed ones) once shipped."""
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.lock(command.order_id)
        if order is None or (
            command.customer_id is not None and order.customer_id != command.customer_id
        ):
            raise NotFound("order not found", field="order_id")
        book.cancel(order, command.reason, command.cancelled_by, command.note)
        return order


async def expire_orders(
    on: Runner, command: ExpireOrders, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Cancel (reason `expired`) each unpaid order past its deadline, one unit of work each;
    returns how many."""
    as_of = command.as_of or utcnow()
    due = await queries.orders.overdue_orders(on, as_of)
    expired = 0
    for done, order_id in enumerate(due, start=1):
        if await _expire(on, order_id, as_of):
            expired += 1
        if progress is not None:
            progress(done, len(due))
    if expired:
        log.info("unpaid orders expired", count=expired)
    return expired


async def _expire(on: Runner, order_id: str, as_of: datetime) -> bool:
    async with unit_of_work(on, SOURCE) as uow:
        book = OrderBook(uow, utcnow())
        order = await book.lock(order_id)
        # Checked again under the lock: the payment may have arrived meanwhile.
        if order is None or not lifecycle.is_overdue(
            status_of(order), progress_of(order), order.pay_by, as_of
        ):
            return False
        book.cancel(order, "expired", "system", None)
        return True
