"""The order engine's periodic work, run by `serve` and `worker`."""

from itvision.engines.order.commands import ExpireOrders
from itvision.engines.order.services.cancellation import expire_orders
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform


async def expire_unpaid_orders(platform: Platform) -> int:
    return await expire_orders(platform, ExpireOrders())


JOBS = [PeriodicJob("order-expire", 30.0, expire_unpaid_orders)]
"""Expiry: orders paid by Wave or Orange Money and not paid by their deadline (`payBy`,
ITVISION_ORDER_PAYMENT_MINUTES after placement) are cancelled with reason `expired`, which
releases their stock. Every 30 seconds (the job `order-expire`); by hand, `itvision order
expire` or `POST /api/orders/expire`."""
