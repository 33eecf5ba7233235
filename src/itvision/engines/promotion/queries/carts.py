"""Evaluating a cart: the promotions that apply, with their amounts, and the reason each typed
code does not. A read: nothing is reserved until the order is placed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.models import ProductScope
from itvision.engines.promotion.queries.promotions import offers_for
from itvision.engines.promotion.queries.usages import usage_counts
from itvision.engines.promotion.rules.carts import Cart, Scope, with_scopes
from itvision.engines.promotion.rules.evaluation import Evaluation, evaluate
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, read_session


async def evaluate_cart(
    on: Runner, cart: Cart, codes: Sequence[str] = (), *, now: datetime | None = None
) -> Evaluation:
    """`cart` as priced by the caller (its lines need no category or brand: they are read from
    our catalog projection)."""
    async with read_session(on) as session:
        return await evaluation_at(session, cart, codes, now or utcnow())


async def evaluation_at(
    session: AsyncSession,
    cart: Cart,
    codes: Sequence[str],
    at: datetime,
    *,
    lock_codes: bool = False,
) -> Evaluation:
    """The evaluation of `cart` at `at`; with `lock_codes`, the codes' rows stay locked until
    commit (see `offers_for`)."""
    offers = await offers_for(session, codes, at, lock_codes=lock_codes)
    usage = await usage_counts(session, [o.id for o in offers], cart.customer_id)
    # No promotion runs and no code names one: no line needs its categories and brand.
    lines = (line.product_id for line in cart.lines) if offers else ()
    scopes = await scopes_of(session, lines)
    return evaluate(with_scopes(cart, scopes), offers, codes, usage, at)


async def scopes_of(session: AsyncSession, product_ids: Iterable[str]) -> dict[str, Scope]:
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(ProductScope).where(ProductScope.product_id.in_(ids)))
    return {r.product_id: Scope(tuple(r.category_path), r.brand) for r in rows}
