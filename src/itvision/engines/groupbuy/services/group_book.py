"""`GroupBook`: what the use cases do to a group inside their unit of work — lock it (always
before its participations, so two units of work never wait on each other in a cycle), free a
participation's seat, and move the group along its states with the events each step says.
Not a use case: each use case opens its unit of work and hands it here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from itvision.engines.groupbuy import rules
from itvision.engines.groupbuy.events import (
    GroupClosed,
    GroupExpired,
    Participant,
    ParticipantLeft,
    PriceTier,
    ThresholdReached,
)
from itvision.engines.groupbuy.models import GroupBuy, Participation
from itvision.engines.order.events import DeliveryAddress
from itvision.platform.errors import NotFound
from itvision.platform.uow import UnitOfWork


def terms_of(group: GroupBuy) -> rules.Terms:
    return rules.Terms(
        basis="participants" if group.basis == "participants" else "quantity",
        unit_price=group.unit_price,
        tiers=tuple(rules.Tier(t["threshold"], t["unit_price"]) for t in group.tiers),
        minimum=group.minimum,
        max_participants=group.max_participants,
        max_total_quantity=group.max_total_quantity,
        max_quantity_per_person=group.max_quantity_per_person,
    )


def counts_of(group: GroupBuy) -> rules.Counts:
    return rules.Counts(
        group.participants, group.quantity, group.paid_participants, group.paid_quantity
    )


def price_tiers(group: GroupBuy) -> list[PriceTier]:
    return [PriceTier(min_quantity=t["threshold"], unit_price=t["unit_price"]) for t in group.tiers]


class GroupBook:
    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.session = uow.session
        self.now = now

    async def lock(self, group_id: str) -> GroupBuy:
        group = await self.session.scalar(
            select(GroupBuy)
            .where(GroupBuy.id == group_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if group is None:
            raise NotFound("group buy not found", field="group_id")
        return group

    async def participation(self, participation_id: str) -> tuple[GroupBuy, Participation] | None:
        """The participation and its group, both locked (the group first)."""
        group_id = await self.session.scalar(
            select(Participation.group_id).where(Participation.id == participation_id)
        )
        if group_id is None:
            return None
        group = await self.lock(group_id)
        participation = await self.session.scalar(
            select(Participation)
            .where(Participation.id == participation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert participation is not None
        return group, participation

    def announce_tiers(self, group: GroupBuy) -> None:
        """`groupbuy.threshold.reached` for each tier the held seats reach for the first time."""
        terms = terms_of(group)
        count = rules.counted(terms.basis, group.participants, group.quantity)
        reached = rules.tier_reached(terms.tiers, count)
        if reached is None or reached <= group.top_tier:
            return
        for index in range(group.top_tier + 1, reached + 1):
            tier = terms.tiers[index]
            previous = terms.tiers[index - 1].unit_price if index else terms.unit_price
            self.uow.emit(
                ThresholdReached(
                    group_id=group.id,
                    product_id=group.product_id,
                    sku=group.sku,
                    basis=terms.basis,
                    tier_index=index,
                    threshold_quantity=tier.threshold,
                    total_quantity=max(count, 1),
                    unit_price=tier.unit_price,
                    previous_unit_price=previous,
                    currency=group.currency,
                    reached_at=self.now,
                )
            )
        group.top_tier = reached

    def free_seat(
        self,
        group: GroupBuy,
        participation: Participation,
        status: rules.ParticipationStatus,
        reason: str,
    ) -> None:
        """The participation ends before the group closed: its seat is free, what it paid is
        to be refunded (`groupbuy.participant.left`)."""
        paid = participation.status == "paid"
        group.participants -= 1
        group.quantity -= participation.quantity
        if paid:
            group.paid_participants -= 1
            group.paid_quantity -= participation.quantity
            self._owe(participation, participation.paid_amount)
        group.updated_at = self.now
        participation.status = status
        participation.ended_at = participation.updated_at = self.now
        self.uow.emit(
            ParticipantLeft(
                group_id=group.id,
                participation_id=participation.id,
                customer_id=participation.customer_id,
                sku=group.sku,
                quantity=participation.quantity,
                reason=reason,
                paid=paid,
                participant_count=group.participants,
                total_quantity=group.quantity,
                left_at=self.now,
            )
        )

    def _owe(self, participation: Participation, amount: int) -> None:
        """`amount` is to be given back to the participant (payment refunds it)."""
        participation.refund_due += amount
        settle_refund(participation, self.now)

    def owe_late_payment(self, participation: Participation) -> None:
        """A payment that succeeded after the participation ended goes back whole."""
        self._owe(participation, participation.paid_amount)

    async def holding(self, group: GroupBuy) -> list[Participation]:
        rows = await self.session.scalars(
            select(Participation)
            .where(Participation.group_id == group.id, Participation.status.in_(rules.HOLDING))
            .order_by(Participation.joined_at, Participation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def advance(self, group: GroupBuy) -> bool:
        """Take every step the group's state allows now; True if it moved."""
        moved = False
        while True:
            refunds_pending = 0
            if group.status == "expired":
                refunds_pending = (
                    await self.session.scalar(
                        select(func.count())
                        .select_from(Participation)
                        .where(
                            Participation.group_id == group.id,
                            Participation.refund_status == "pending",
                        )
                    )
                    or 0
                )
            step = rules.next_step(
                group.status,
                terms_of(group),
                counts_of(group),
                deadline_passed=self.now >= group.deadline,
                refunds_pending=refunds_pending,
            )
            if step == "wait":
                return moved
            moved = True
            group.updated_at = self.now
            if step == "succeed":
                group.status, group.succeeded_at = "succeeded", self.now
            elif step == "close":
                await self._close(group)
            elif step == "expire":
                await self._expire(group)
            else:
                group.status, group.refunded_at = "refunded", self.now

    async def _close(self, group: GroupBuy) -> None:
        terms = terms_of(group)
        final = rules.unit_price_at(
            terms, rules.counted(terms.basis, group.paid_participants, group.paid_quantity)
        )
        participants = []
        for p in await self.holding(group):
            p.order_unit_price = rules.order_unit_price(p.unit_price, final)
            p.status = "ordered"
            p.updated_at = self.now
            self._owe(p, p.paid_amount - p.order_unit_price * p.quantity)
            participants.append(_participant(p, paid=True))
        group.status, group.closed_at, group.final_unit_price = "closed", self.now, final
        self.uow.emit(
            GroupClosed(
                group_id=group.id,
                product_id=group.product_id,
                sku=group.sku,
                name=group.name,
                participants=participants,
                total_quantity=group.paid_quantity,
                final_unit_price=final,
                currency=group.currency,
                closed_at=self.now,
            )
        )

    async def _expire(self, group: GroupBuy) -> None:
        participants = []
        for p in await self.holding(group):
            paid = p.status == "paid"
            p.status = "expired"
            p.ended_at = p.updated_at = self.now
            if paid:
                self._owe(p, p.paid_amount)
            participants.append(_participant(p, paid=paid))
        group.status, group.expired_at = "expired", self.now
        self.uow.emit(
            GroupExpired(
                group_id=group.id,
                product_id=group.product_id,
                sku=group.sku,
                participants=participants,
                total_quantity=group.quantity,
                target_quantity=group.minimum,
                expired_at=self.now,
            )
        )


def settle_refund(participation: Participation, now: datetime) -> None:
    """The participation's refund is completed once what was paid back covers what is due."""
    if participation.refund_due <= 0:
        return
    if participation.refunded_amount >= participation.refund_due:
        if participation.refund_status != "completed":
            participation.refund_status = "completed"
            participation.refunded_at = now
    else:
        participation.refund_status = "pending"
    participation.updated_at = now


def _participant(p: Participation, *, paid: bool) -> Participant:
    address = p.delivery_address
    return Participant(
        customer_id=p.customer_id,
        quantity=p.quantity,
        participation_id=p.id,
        unit_price=p.order_unit_price,
        paid_unit_price=p.unit_price,
        payment_method=p.payment_method,
        paid=paid,
        delivery_method=p.delivery_method,
        delivery_address=DeliveryAddress(**address) if address else None,
    )
