"""Payment engine (`payment-engine`): mobile-money (Orange Money, Wave), card and cash payments,
refunds. Its public contract is `events`.

Other engines may read how an order stands with payment here; they change payments only
through events (an order placed, reserved, cancelled, refunded; a delivery with cash).
"""

from __future__ import annotations

from dataclasses import dataclass

from itvision.platform.system import Platform

__all__ = ["OrderPayment", "order_payment"]


@dataclass(frozen=True, slots=True)
class OrderPayment:
    """An order's latest payment: its status, and where the customer pays it."""

    payment_id: str
    order_id: str
    method: str
    status: str
    amount: int
    checkout_url: str | None


async def order_payment(platform: Platform, order_id: str) -> OrderPayment | None:
    """The order's latest payment, or None if none was started."""
    # Imported here so that importing the engine's `events` stays light for other engines.
    from itvision.engines.payment import queries
    from itvision.platform.pagination import PageParams

    rows, _ = await queries.payments(platform, PageParams(limit=1, offset=0), order_id=order_id)
    if not rows:
        return None
    p = rows[0]
    return OrderPayment(p.id, p.order_id, p.method, p.status, p.amount, p.checkout_url)
