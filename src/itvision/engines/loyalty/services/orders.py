"""What an order's life does to the ledger. Placed: its points are pending (with the first-order
and birthday bonuses) and the points it spends are debited. Delivered: its pending points become
available (and a referred customer's first order credits the referrer). Cancelled: its pending
points go and the points it spent come back. Refunded: points go in proportion to what was
refunded. Each step is written once; a step whose order is not known yet waits (NotYet)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from itvision.engines.loyalty import rules
from itvision.engines.loyalty.commands import CancelOrder, CreditOrder, RefundOrder, ReleaseOrder
from itvision.engines.loyalty.events import (
    SOURCE,
    PointsEarned,
    PointsRedeemed,
    PointsReversed,
)
from itvision.engines.loyalty.models import CreditedOrder, EarnRuleRow, ProductFacts
from itvision.engines.loyalty.services.book import Cause, PointsBook
from itvision.platform.errors import NotYet
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


async def credit_order(on: Runner, command: CreditOrder) -> CreditedOrder:
    async with unit_of_work(on, SOURCE) as uow:
        known = await uow.session.get(CreditedOrder, command.order_id)
        if known is not None:
            return known
        book = PointsBook(uow)
        at = command.placed_at
        member = await book.member(command.customer_id, at, command.order_id)
        if member.first_order_id is None:  # a member before any order (referred, say)
            member.first_order_id = command.order_id
        first_order = member.first_order_id == command.order_id
        cause = Cause(command.actor, command.event_id, command.order_id)
        paid = rules.paid_for_goods(command.subtotal, command.discount_total)
        lines = await _priced_lines(uow, command)
        earn_rules = await _earn_rules(uow)
        multiplier = book.tier_terms(member.tier).earn_multiplier
        earned = rules.order_points(
            lines, paid, earn_rules, multiplier, book.settings.francs_per_point
        )
        pending = 0
        if await book.write(
            member.customer_id, "pending", earned, "earned", command.order_id, cause, at
        ):
            pending += earned
        if first_order:
            bonus = book.settings.first_order_bonus
            if await book.write(
                member.customer_id, "pending", bonus, "first_order", member.customer_id, cause, at
            ):
                pending += bonus
        if rules.in_birthday_month(member.birthday, at):
            bonus = book.settings.birthday_bonus
            reference = f"{member.customer_id}:{at.year}"
            if await book.write(
                member.customer_id, "pending", bonus, "birthday", reference, cause, at
            ):
                pending += bonus
        order = CreditedOrder(
            order_id=command.order_id,
            customer_id=command.customer_id,
            status="placed",
            total=command.total,
            earned=pending,
            points_redeemed=0,
            refunded=0,
            taken_back=0,
            refund_ids=[],
            placed_at=at,
            updated_at=at,
        )
        uow.session.add(order)
        if command.points_redeemed > 0:
            order.points_redeemed = await _debit_redeemed(book, command, cause)
        if pending > 0:
            uow.emit(
                PointsEarned(
                    customer_id=member.customer_id,
                    points=pending,
                    balance=await book.balance(member.customer_id),
                    source="order",
                    order_id=command.order_id,
                    status="pending",
                    earned_at=at,
                )
            )
        await uow.session.flush()
        return order


async def _debit_redeemed(book: PointsBook, command: CreditOrder, cause: Cause) -> int:
    """Debit what the checkout spent. The cart checked the balance; should points have gone in
    between (another order placed at once), only what is left is taken: never below zero."""
    balance = await book.balance(command.customer_id)
    points = min(command.points_redeemed, balance)
    entry = await book.write(
        command.customer_id, "available", -points, "redeemed", command.order_id, cause,
        command.placed_at,
    )  # fmt: skip
    if entry is None:
        return 0
    book.uow.emit(
        PointsRedeemed(
            customer_id=command.customer_id,
            points=points,
            balance=balance - points,
            value=command.points_discount,
            order_id=command.order_id,
            redeemed_at=command.placed_at,
        )
    )
    return points


async def _priced_lines(uow: UnitOfWork, command: CreditOrder) -> list[rules.PricedLine]:
    ids = {line.product_id for line in command.lines}
    facts = {
        p.product_id: p
        for p in await uow.session.scalars(
            select(ProductFacts).where(ProductFacts.product_id.in_(ids))
        )
    }
    priced = []
    for line in command.lines:
        known = facts.get(line.product_id)
        priced.append(
            rules.PricedLine(
                line.product_id,
                line.gross,
                tuple(known.category_path) if known else (),
                known.brand if known else None,
            )
        )
    return priced


async def _earn_rules(uow: UnitOfWork) -> list[rules.EarnRule]:
    rows = await uow.session.scalars(select(EarnRuleRow).where(EarnRuleRow.active))
    return [
        rules.EarnRule(r.scope, r.target, Decimal(r.multiplier_percent) / 100)  # type: ignore[arg-type]
        for r in rows
    ]


async def _known(uow: UnitOfWork, order_id: str) -> CreditedOrder:
    order = await uow.session.get(CreditedOrder, order_id, with_for_update=True)
    if order is None:
        raise NotYet(f"order {order_id} not placed yet")
    return order


async def release_order(on: Runner, command: ReleaseOrder) -> CreditedOrder:
    async with unit_of_work(on, SOURCE) as uow:
        order = await _known(uow, command.order_id)
        if order.status != "placed":
            return order
        book = PointsBook(uow)
        at = command.delivered_at
        member = await book.member(order.customer_id, at)
        cause = Cause(command.actor, command.event_id, order.order_id)
        pending = await book.pending_of_order(order.order_id)
        await book.write(
            order.customer_id, "pending", -pending, "released", order.order_id, cause, at
        )
        if await book.write(
            order.customer_id, "available", pending, "delivered", order.order_id, cause, at
        ):
            entry = await book.find("delivered", order.order_id)
            uow.emit(
                PointsEarned(
                    customer_id=order.customer_id,
                    points=pending,
                    balance=await book.balance(order.customer_id),
                    source="order",
                    order_id=order.order_id,
                    expires_at=entry.expires_at if entry else None,
                    earned_at=at,
                )
            )
        order.status, order.updated_at = "delivered", at
        await book.recognise(member, at)
        if member.first_order_id == order.order_id and member.referrer_id:
            await _credit_referrer(book, member.referrer_id, member.customer_id, cause, at)
        return order


async def _credit_referrer(
    book: PointsBook, referrer_id: str, referred_id: str, cause: Cause, at: datetime
) -> None:
    """A referred customer's first order delivered credits whoever referred them, once."""
    points = book.settings.referral_bonus
    referrer = await book.member(referrer_id, at)
    entry = await book.write(referrer_id, "available", points, "referral", referred_id, cause, at)
    if entry is None:
        return
    book.uow.emit(
        PointsEarned(
            customer_id=referrer_id,
            points=points,
            balance=await book.balance(referrer_id),
            source="referral",
            order_id=cause.order_id,
            expires_at=entry.expires_at,
            earned_at=at,
        )
    )
    await book.recognise(referrer, at)


async def cancel_order(on: Runner, command: CancelOrder) -> CreditedOrder:
    async with unit_of_work(on, SOURCE) as uow:
        order = await _known(uow, command.order_id)
        if order.status == "cancelled":
            return order
        book = PointsBook(uow)
        at = command.cancelled_at
        await book.member(order.customer_id, at)  # locks the balance
        cause = Cause(command.actor, command.event_id, order.order_id)
        # A delivered order is refunded rather than cancelled; if it is cancelled all the same,
        # what it earned and was not taken back yet goes (as far as the balance allows).
        if order.status == "placed":
            bucket, left = "pending", await book.pending_of_order(order.order_id)
        else:
            left = min(order.earned - order.taken_back, await book.balance(order.customer_id))
            bucket = "available"
        if await book.write(
            order.customer_id, bucket, -left, "cancelled", order.order_id, cause, at
        ):
            await _announce(book, order, left, "debit", "order_cancelled", at)
        if order.points_redeemed and await book.write(
            order.customer_id, "available", order.points_redeemed, "redemption_returned",
            order.order_id, cause, at,
        ):  # fmt: skip
            await _announce(book, order, order.points_redeemed, "credit", "redemption_returned", at)
        order.status, order.updated_at = "cancelled", at
        return order


async def refund_order(on: Runner, command: RefundOrder) -> CreditedOrder:
    async with unit_of_work(on, SOURCE) as uow:
        order = await _known(uow, command.order_id)
        if command.refund_id in order.refund_ids or order.status == "cancelled":
            return order
        book = PointsBook(uow)
        at = command.refunded_at
        await book.member(order.customer_id, at)
        order.refunded += command.amount
        order.refund_ids = [*order.refund_ids, command.refund_id]
        due = rules.refund_take_back(order.earned, order.total, order.refunded, order.taken_back)
        order.taken_back += due
        order.updated_at = at
        if order.status == "placed":
            bucket, left = "pending", await book.pending_of_order(order.order_id)
        else:
            bucket, left = "available", await book.balance(order.customer_id)
        taken = min(due, left)
        cause = Cause(command.actor, command.event_id, order.order_id)
        if await book.write(
            order.customer_id, bucket, -taken, "refunded", command.refund_id, cause, at
        ):
            await _announce(book, order, taken, "debit", "order_refunded", at)
        return order


async def _announce(
    book: PointsBook,
    order: CreditedOrder,
    points: int,
    direction: Literal["debit", "credit"],
    reason: Literal["order_cancelled", "order_refunded", "redemption_returned"],
    at: datetime,
) -> None:
    book.uow.emit(
        PointsReversed(
            customer_id=order.customer_id,
            points=points,
            balance=await book.balance(order.customer_id),
            direction=direction,
            reason=reason,
            order_id=order.order_id,
            reversed_at=at,
        )
    )
