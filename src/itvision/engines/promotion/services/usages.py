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

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.commands import (
    AnnounceCampaigns,
    RedeemOrderCodes,
    ReleaseOrderCodes,
    ReserveOrderCodes,
)
from itvision.engines.promotion.events import SOURCE, CodeRedeemed, CodeRejected, CodeReleased
from itvision.engines.promotion.models import (
    HOLDING,
    REDEEMED,
    RELEASED,
    RESERVED,
    OrderTrack,
    Usage,
)
from itvision.engines.promotion.queries.carts import evaluation_at
from itvision.engines.promotion.rules.carts import Cart
from itvision.engines.promotion.services.campaigns import announce_campaigns
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


async def reserve_order_codes(on: Runner, command: ReserveOrderCodes) -> None:
    """Reserve each code of the order that the evaluation applies to its cart as placed, at the
    time it was placed; reject the others. An order placed without a code is not tracked: its
    payment and cancellation, whenever they come, find no usage of it."""
    codes = [c for c in command.codes if c.strip()]
    if not codes:
        return
    async with unit_of_work(on, SOURCE) as uow:
        track = await _track(uow.session, command.order_id, command.customer_id)
        if track.placed_at is not None:
            return  # the same order announced twice: reserved once
        track.placed_at = command.placed_at
        if track.cancelled_at is not None:
            return
        cart = Cart(command.lines, command.shipping_fee, command.customer_id)
        result = await evaluation_at(uow.session, cart, codes, command.placed_at, lock_codes=True)
        now = utcnow()
        for refused in result.refused:
            uow.emit(
                CodeRejected(
                    order_id=command.order_id,
                    customer_id=command.customer_id,
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
            usage = Usage(
                promotion_id=applied.offer.id,
                order_id=command.order_id,
                customer_id=command.customer_id,
                code=applied.offer.code,
                discount_amount=applied.discount.total,
                status=RESERVED,
                reserved_at=command.placed_at,
            )
            uow.session.add(usage)
            if track.paid_at is not None:
                _redeem(uow, usage, track.paid_at)
        if track.paid_at is not None:
            await uow.session.flush()
            used = frozenset(a.offer.id for a in result.applied if a.offer.code)
            await announce_campaigns(uow, AnnounceCampaigns(used))


async def redeem_order_codes(on: Runner, command: RedeemOrderCodes) -> None:
    """The order is paid: its reserved codes now count, each once."""
    async with unit_of_work(on, SOURCE) as uow:
        track = await _track(uow.session, command.order_id, command.customer_id)
        if track.paid_at is not None:
            return  # paid twice (two payment events): counted once
        track.paid_at = command.paid_at
        if track.cancelled_at is not None:
            return  # cancelled first: its codes were released and stay released
        reserved = list(
            await uow.session.scalars(
                select(Usage).where(Usage.order_id == command.order_id, Usage.status == RESERVED)
            )
        )
        for usage in reserved:
            _redeem(uow, usage, command.paid_at)
        await uow.session.flush()
        await announce_campaigns(
            uow, AnnounceCampaigns(frozenset(u.promotion_id for u in reserved))
        )


async def release_order_codes(on: Runner, command: ReleaseOrderCodes) -> None:
    """The order is cancelled: its usages are given back, counted or not."""
    async with unit_of_work(on, SOURCE) as uow:
        track = await _track(uow.session, command.order_id, command.customer_id)
        if track.cancelled_at is not None:
            return
        track.cancelled_at = command.cancelled_at
        held = list(
            await uow.session.scalars(
                select(Usage).where(Usage.order_id == command.order_id, Usage.status.in_(HOLDING))
            )
        )
        for usage in held:
            was_redeemed = usage.status == REDEEMED
            usage.status = RELEASED
            usage.released_at = command.cancelled_at
            uow.emit(
                CodeReleased(
                    campaign_id=usage.promotion_id,
                    code=usage.code,
                    order_id=usage.order_id,
                    customer_id=usage.customer_id,
                    discount_amount=usage.discount_amount,
                    was_redeemed=was_redeemed,
                    released_at=command.cancelled_at,
                ),
            )
        await uow.session.flush()
        await announce_campaigns(uow, AnnounceCampaigns(frozenset(u.promotion_id for u in held)))


async def _track(session: AsyncSession, order_id: str, customer_id: str) -> OrderTrack:
    track = await session.get(OrderTrack, order_id, with_for_update=True)
    if track is None:
        track = OrderTrack(order_id=order_id, customer_id=customer_id)
        session.add(track)
    return track


def _redeem(uow: UnitOfWork, usage: Usage, paid_at: datetime) -> None:
    usage.status = REDEEMED
    usage.redeemed_at = paid_at
    uow.emit(
        CodeRedeemed(
            campaign_id=usage.promotion_id,
            code=usage.code,
            order_id=usage.order_id,
            customer_id=usage.customer_id,
            discount_amount=usage.discount_amount,
            redeemed_at=paid_at,
        ),
    )
