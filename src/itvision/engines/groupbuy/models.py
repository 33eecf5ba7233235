"""The group-buy engine's tables: groups (their terms and running counts) and participations
(who joined, what they paid, where it stands). Nobody else reads or writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class GroupBuy(Base):
    """A group for one SKU. `participants`/`quantity` count the seats held (awaiting payment or
    paid), `paid_*` the paid ones; a join increments them with a conditional UPDATE, so the caps
    hold under concurrent joins (CHECK constraints refuse anything past them)."""

    __tablename__ = "groupbuy_groups"
    __table_args__ = (
        CheckConstraint("participants <= max_participants", name="within_participant_cap"),
        CheckConstraint(
            "max_total_quantity IS NULL OR quantity <= max_total_quantity",
            name="within_quantity_cap",
        ),
        CheckConstraint("paid_participants <= participants", name="paid_within_held"),
        Index("ix_groupbuy_groups_due", "status", "deadline"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(100), index=True)
    product_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(12))
    unit_price: Mapped[int] = mapped_column(Integer)
    # [{"threshold": int, "unit_price": int}], thresholds increasing.
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    minimum: Mapped[int] = mapped_column(Integer)
    max_participants: Mapped[int] = mapped_column(Integer)
    max_total_quantity: Mapped[int | None] = mapped_column(Integer)
    max_quantity_per_person: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime())
    participants: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    paid_participants: Mapped[int] = mapped_column(Integer, default=0)
    paid_quantity: Mapped[int] = mapped_column(Integer, default=0)
    # The highest tier announced (-1: none); a tier is announced once.
    top_tier: Mapped[int] = mapped_column(Integer, default=-1)
    final_unit_price: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    succeeded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Participation(Base):
    """One customer's place in a group. `refund_status` follows the money taken back (on
    leaving, on expiry, or the difference at close) until payment says it was paid back."""

    __tablename__ = "groupbuy_participations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_groupbuy_participations_group", "group_id", "status"),
        Index("ix_groupbuy_participations_due", "status", "pay_by"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groupbuy_groups.id"))
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    amount_due: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[str] = mapped_column(String(20))
    delivery_method: Mapped[str] = mapped_column(String(20))
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    payment_id: Mapped[str | None] = mapped_column(String(40))
    paid_amount: Mapped[int] = mapped_column(Integer, default=0)
    order_unit_price: Mapped[int | None] = mapped_column(Integer)
    refund_status: Mapped[str] = mapped_column(String(12), default="none")
    refund_due: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    pay_by: Mapped[datetime] = mapped_column(UtcDateTime())
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
