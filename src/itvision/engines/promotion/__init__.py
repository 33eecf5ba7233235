"""Promotion engine (`promotion-engine`): promo codes, automatic sales, bundles, buy-X-get-Y.

What other engines may use: `evaluate_cart` (the promotions a priced cart gets, and why each
typed code does not apply — a read, nothing is reserved) and the types it speaks. Code usages
are reserved, counted and released through events (`order.order.placed`,
`payment.payment.succeeded`, `order.order.cancelled`); the engine's own contract is `events`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

# The types `evaluate_cart` speaks: pure rules, light to import.
from itvision.engines.promotion.rules.carts import Cart, CartLine
from itvision.engines.promotion.rules.evaluation import Applied, Evaluation, RefusedCode
from itvision.engines.promotion.rules.reasons import Reason
from itvision.platform.system import Platform

__all__ = ["Applied", "Cart", "CartLine", "Evaluation", "Reason", "RefusedCode", "evaluate_cart"]


async def evaluate_cart(
    platform: Platform, cart: Cart, codes: Sequence[str] = (), now: datetime | None = None
) -> Evaluation:
    """`cart` as priced by the caller (its lines need no category or brand: they are read from
    our catalog projection)."""
    from itvision.engines.promotion.queries import carts

    return await carts.evaluate_cart(platform, cart, codes, now=now)
