"""Evaluating a cart for a customer: the promotions that apply, with their amounts, and the
reason each typed code does not. A read: nothing is reserved until the order is placed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from itvision.engines.promotion import projection, store
from itvision.engines.promotion.cart import Cart
from itvision.engines.promotion.evaluation import Evaluation, evaluate
from itvision.platform.events import utcnow
from itvision.platform.system import Platform


async def evaluate_cart(
    platform: Platform, cart: Cart, codes: Sequence[str] = (), now: datetime | None = None
) -> Evaluation:
    """`cart` as priced by the caller (its lines need no category or brand: they are read from
    our catalog projection)."""
    now = now or utcnow()
    async with platform.db.reads() as session:
        offers = await store.offers_for(session, codes, now)
        usage = await store.usage_counts(session, [o.id for o in offers], cart.customer_id)
        scopes = await projection.scopes_of(session, (line.product_id for line in cart.lines))
    scoped = Cart(
        tuple(projection.with_scope(line, scopes) for line in cart.lines),
        cart.shipping_fee,
        cart.customer_id,
    )
    return evaluate(scoped, offers, codes, usage, now)
