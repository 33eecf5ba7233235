"""Tables of the promotion engine (all named `promotion_*`; no other engine touches them).

- `promotion_promotions`: the promotions staff define (codes, sales, bundles, buy-X-get-Y).
- `promotion_usages`: one row per (order, promotion) a code was reserved for; its status moves
  reserved → redeemed (order paid) and either → released (order cancelled).
- `promotion_orders`: what this engine knows of an order's life (placed, paid, cancelled), so
  that events arriving out of order between topics still give the right count.
- `promotion_products`: our projection of the catalog (category path, brand), fed by catalog
  events, to scope sales by category and brand.

A promotion row reads as, and is written from, the rules' `Offer`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Dialect,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from itvision.engines.promotion.rules.offers import BundleItem, Kind, Offer
from itvision.platform.db import Base, UtcDateTime

RESERVED, REDEEMED, RELEASED = "reserved", "redeemed", "released"
HOLDING = (RESERVED, REDEEMED)  # usages that count against the limits


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal kept as text: SQLite has no exact numeric type."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Promotion(Base):
    __tablename__ = "promotion_promotions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    discount_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    discount_amount: Mapped[int | None] = mapped_column(BigInteger)
    max_discount_amount: Mapped[int | None] = mapped_column(BigInteger)
    min_order_amount: Mapped[int | None] = mapped_column(BigInteger)
    min_quantity: Mapped[int | None] = mapped_column(Integer)
    product_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    category_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    brands: Mapped[list[str]] = mapped_column(JSON, default=list)
    bundle_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    bundle_price: Mapped[int | None] = mapped_column(BigInteger)
    buy_quantity: Mapped[int | None] = mapped_column(Integer)
    get_quantity: Mapped[int | None] = mapped_column(Integer)
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    usage_limit_per_customer: Mapped[int | None] = mapped_column(Integer)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether `promotion.campaign.started` was emitted without an `ended` after it yet.
    announced_live: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def offer(self) -> Offer:
        return Offer(
            id=self.id,
            name=self.name,
            kind=Kind(self.kind),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            code=self.code,
            active=self.active,
            discount_rate=self.discount_rate,
            discount_amount=self.discount_amount,
            max_discount_amount=self.max_discount_amount,
            min_order_amount=self.min_order_amount,
            min_quantity=self.min_quantity,
            product_ids=frozenset(self.product_ids or ()),
            category_ids=frozenset(self.category_ids or ()),
            brands=frozenset(self.brands or ()),
            bundle_items=tuple(
                BundleItem(i["product_id"], int(i["quantity"])) for i in self.bundle_items or ()
            ),
            bundle_price=self.bundle_price,
            buy_quantity=self.buy_quantity,
            get_quantity=self.get_quantity,
            usage_limit=self.usage_limit,
            usage_limit_per_customer=self.usage_limit_per_customer,
            exclusive=self.exclusive,
            priority=self.priority,
        )

    def define(self, offer: Offer) -> None:
        """Copy the definition into the row (lists sorted so that a row reads the same each
        time)."""
        self.name = offer.name
        self.kind = offer.kind.value
        self.code = offer.code
        self.starts_at = offer.starts_at
        self.ends_at = offer.ends_at
        self.active = offer.active
        self.discount_rate = offer.discount_rate
        self.discount_amount = offer.discount_amount
        self.max_discount_amount = offer.max_discount_amount
        self.min_order_amount = offer.min_order_amount
        self.min_quantity = offer.min_quantity
        self.product_ids = sorted(offer.product_ids)
        self.category_ids = sorted(offer.category_ids)
        self.brands = sorted(offer.brands)
        self.bundle_items = [
            {"product_id": i.product_id, "quantity": i.quantity} for i in offer.bundle_items
        ]
        self.bundle_price = offer.bundle_price
        self.buy_quantity = offer.buy_quantity
        self.get_quantity = offer.get_quantity
        self.usage_limit = offer.usage_limit
        self.usage_limit_per_customer = offer.usage_limit_per_customer
        self.exclusive = offer.exclusive
        self.priority = offer.priority


class Usage(Base):
    __tablename__ = "promotion_usages"
    __table_args__ = (
        UniqueConstraint("order_id", "promotion_id"),
        Index("ix_promotion_usages_promotion_status", "promotion_id", "status"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    promotion_id: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    code: Mapped[str] = mapped_column(String(40))
    discount_amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))  # RESERVED | REDEEMED | RELEASED
    reserved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OrderTrack(Base):
    __tablename__ = "promotion_orders"

    order_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProductScope(Base):
    __tablename__ = "promotion_products"

    product_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    sku: Mapped[str] = mapped_column(String(200))
    category_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    brand: Mapped[str | None] = mapped_column(String(200))
    # Time of the catalog event this row reflects: an older event never overwrites it.
    as_of: Mapped[datetime] = mapped_column(UtcDateTime())
