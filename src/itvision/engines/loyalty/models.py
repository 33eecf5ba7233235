"""The loyalty engine's tables: members (tier, birthday, referrer), the points ledger, the orders
it credited, staff earn rules and rewards, and a projection of the catalog's products (category
and brand, for the rules). Nobody else reads or writes them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class Member(Base):
    """A customer in the programme: their tier (upgraded at once, reviewed yearly) and the
    profile the bonuses need. Created by their first order, adjustment or profile update."""

    __tablename__ = "loyalty_members"

    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tier: Mapped[str] = mapped_column(String(20), default="bronze")
    tier_since: Mapped[datetime] = mapped_column(UtcDateTime())
    review_due_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    birthday: Mapped[date | None] = mapped_column(Date)
    referrer_id: Mapped[str | None] = mapped_column(String(100))
    first_order_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Entry(Base):
    """One line of a customer's points ledger, written once: (reason, reference) is unique, so a
    redelivered event or a retried adjustment finds its entry instead of writing another.
    `bucket` pending holds an order's points until delivery; the balance is the sum of the
    available entries. Credits of available points expire at `expires_at`."""

    __tablename__ = "loyalty_entries"
    __table_args__ = (
        UniqueConstraint("reason", "reference"),
        Index("ix_loyalty_entries_customer_bucket", "customer_id", "bucket"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(100))
    bucket: Mapped[str] = mapped_column(String(10))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(String(250))
    order_id: Mapped[str | None] = mapped_column(String(100), index=True)
    event_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CreditedOrder(Base):
    """An order as loyalty knows it: what it earned, what it spent, what was refunded."""

    __tablename__ = "loyalty_orders"

    order_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer)
    earned: Mapped[int] = mapped_column(Integer)
    points_redeemed: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    taken_back: Mapped[int] = mapped_column(Integer, default=0)
    refund_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EarnRuleRow(Base):
    """A staff multiplier for a product, a category or a brand (×1.5 stored as 150)."""

    __tablename__ = "loyalty_earn_rules"
    __table_args__ = (UniqueConstraint("scope", "target"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    multiplier_percent: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reward(Base):
    """A reward unlocked once a customer's lifetime earned points reach `threshold`."""

    __tablename__ = "loyalty_rewards"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    threshold: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UnlockedReward(Base):
    __tablename__ = "loyalty_unlocked_rewards"

    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reward_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unlocked_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ExpiryWarning(Base):
    """A warning sent for the points expiring up to a ledger entry (sent once)."""

    __tablename__ = "loyalty_expiry_warnings"

    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_entry_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProductFacts(Base):
    """What the earn rules need of a catalog product (a projection of `catalog.product.*`)."""

    __tablename__ = "loyalty_products"

    product_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    category_path: Mapped[list[str]] = mapped_column(JSON)
    brand: Mapped[str | None] = mapped_column(String(100))
