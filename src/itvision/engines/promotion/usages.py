"""A code's usage follows its order: reserved when the order is placed, counted (redeemed) when
it is paid, released when it is cancelled — given back even if it had been counted.

Limits are checked when the order is placed, against reserved + redeemed usages, with the
code's row locked: two orders can never both take the last usage. An order placed with a code
that cannot be honoured any more gets `promotion.code.rejected` and nothing is reserved, so its
payment counts nothing.

`order.*` and `payment.*` are different topics, read in no guaranteed order between them: a
payment (or a cancellation) may arrive before the order it belongs to. `promotion_orders`
remembers what happened to each order, so the result is the same in any order, and the same
order paid twice (two payment events) counts once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.order.events import OrderCancelled, OrderPlaced
from itvision.engines.payment.events import PaymentSucceeded
from itvision.engines.promotion import projection, store
from itvision.engines.promotion.announcements import announce_change
from itvision.engines.promotion.cart import Cart, CartLine
from itvision.engines.promotion.evaluation import evaluate
from itvision.engines.promotion.events import CodeRedeemed, CodeRejected, CodeReleased
from itvision.engines.promotion.models import OrderTrack, Promotion, Usage
from itvision.platform.events import utcnow
from itvision.platform.pagination import Page, PageParams
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork


def codes_of(order: OrderPlaced) -> list[str]:
    codes = [*order.promotion_codes, *([order.promotion_code] if order.promotion_code else [])]
    return [c for c in codes if c.strip()]


async def _track(session: AsyncSession, order_id: str, customer_id: str) -> OrderTrack:
    track = await session.get(OrderTrack, order_id, with_for_update=True)
    if track is None:
        track = OrderTrack(order_id=order_id, customer_id=customer_id)
        session.add(track)
    return track


async def reserve_codes(uow: UnitOfWork, order: OrderPlaced) -> None:
    """Reserve each code of the order that the evaluation applies to its cart as placed, at the
    time it was placed; reject the others."""
    session = uow.session
    track = await _track(session, order.order_id, order.customer_id)
    if track.placed_at is not None:
        return  # the same order announced twice: reserved once
    track.placed_at = order.placed_at
    codes = codes_of(order)
    if not codes or track.cancelled_at is not None:
        return
    offers = await store.offers_for(session, codes, order.placed_at, lock_codes=True)
    usage = await store.usage_counts(session, [o.id for o in offers], order.customer_id)
    scopes = await projection.scopes_of(session, (line.product_id for line in order.lines))
    cart = Cart(
        tuple(
            projection.with_scope(
                CartLine(line.sku, line.product_id, line.quantity, line.unit_price), scopes
            )
            for line in order.lines
        ),
        order.shipping_fee,
        order.customer_id,
    )
    result = evaluate(cart, offers, codes, usage, order.placed_at)
    now = utcnow()
    for refused in result.refused:
        uow.emit(
            CodeRejected(
                order_id=order.order_id,
                customer_id=order.customer_id,
                code=refused.code,
                campaign_id=refused.offer_id,
                reason=refused.refusal.reason.value,
                message_fr=refused.refusal.message_fr,
                message_en=refused.refusal.message_en,
                rejected_at=now,
            ),
        )
    for applied in result.applied:
        if applied.offer.code is None:
            continue
        usage_row = Usage(
            promotion_id=applied.offer.id,
            order_id=order.order_id,
            customer_id=order.customer_id,
            code=applied.offer.code,
            discount_amount=applied.discount.total,
            status=store.RESERVED,
            reserved_at=order.placed_at,
        )
        session.add(usage_row)
        if track.paid_at is not None:
            _redeem(uow, usage_row, track.paid_at)
    if track.paid_at is not None:
        await session.flush()
        await _announce(uow, {a.offer.id for a in result.applied if a.offer.code})


async def count_paid_order(uow: UnitOfWork, payment: PaymentSucceeded) -> None:
    """The order is paid: its reserved codes now count, each once."""
    session = uow.session
    track = await _track(session, payment.order_id, payment.customer_id)
    if track.paid_at is not None:
        return  # paid twice (two payment events): counted once
    track.paid_at = payment.succeeded_at
    if track.cancelled_at is not None:
        return  # cancelled first: its codes were released and stay released
    reserved = await session.scalars(
        select(Usage).where(Usage.order_id == payment.order_id, Usage.status == store.RESERVED)
    )
    redeemed = list(reserved)
    for usage_row in redeemed:
        _redeem(uow, usage_row, payment.succeeded_at)
    await session.flush()
    await _announce(uow, {u.promotion_id for u in redeemed})


async def release_cancelled_order(uow: UnitOfWork, cancelled: OrderCancelled) -> None:
    """The order is cancelled: its usages are given back, counted or not."""
    session = uow.session
    track = await _track(session, cancelled.order_id, cancelled.customer_id)
    if track.cancelled_at is not None:
        return
    track.cancelled_at = cancelled.cancelled_at
    held = list(
        await session.scalars(
            select(Usage).where(
                Usage.order_id == cancelled.order_id, Usage.status.in_(store.HOLDING)
            )
        )
    )
    for usage_row in held:
        was_redeemed = usage_row.status == store.REDEEMED
        usage_row.status = store.RELEASED
        usage_row.released_at = cancelled.cancelled_at
        uow.emit(
            CodeReleased(
                campaign_id=usage_row.promotion_id,
                code=usage_row.code,
                order_id=usage_row.order_id,
                customer_id=usage_row.customer_id,
                discount_amount=usage_row.discount_amount,
                was_redeemed=was_redeemed,
                released_at=cancelled.cancelled_at,
            ),
        )
    await session.flush()
    await _announce(uow, {u.promotion_id for u in held})


def _redeem(uow: UnitOfWork, usage_row: Usage, paid_at: datetime) -> None:
    usage_row.status = store.REDEEMED
    usage_row.redeemed_at = paid_at
    uow.emit(
        CodeRedeemed(
            campaign_id=usage_row.promotion_id,
            code=usage_row.code,
            order_id=usage_row.order_id,
            customer_id=usage_row.customer_id,
            discount_amount=usage_row.discount_amount,
            redeemed_at=paid_at,
        ),
    )


async def _announce(uow: UnitOfWork, promotion_ids: set[str]) -> None:
    """A code used up by paid orders ends its campaign; a usage given back may restart it."""
    if not promotion_ids:
        return
    rows = await uow.session.scalars(
        select(Promotion)
        .where(Promotion.id.in_(sorted(promotion_ids)))
        .order_by(Promotion.id)
        .with_for_update()
    )
    now = utcnow()
    for row in list(rows):
        await announce_change(uow, row, now)


async def list_usages(
    platform: Platform,
    paging: PageParams,
    *,
    customer_id: str | None = None,
    promotion_id: str | None = None,
) -> Page[Usage]:
    query = select(Usage)
    if customer_id is not None:
        query = query.where(Usage.customer_id == customer_id)
    if promotion_id is not None:
        query = query.where(Usage.promotion_id == promotion_id)
    async with platform.db.reads() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Usage.reserved_at.desc(), Usage.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        items = list(rows)
    return Page(items=items, total=total or 0, limit=paging.limit, offset=paging.offset)
