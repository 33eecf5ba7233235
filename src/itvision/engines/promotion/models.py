"""Tables of the promotion engine (all named `promotion_*`; no other engine touches them).

- `promotion_promotions`: the promotions staff define (codes, sales, bundles, buy-X-get-Y).
- `promotion_usages`: one row per (order, promotion) a code was reserved for; its status moves
  reserved → redeemed (order paid) and either → released (order cancelled).
- `promotion_orders`: what this engine knows of an order's life (placed, paid, cancelled), so
  that events arriving out of order between topics still give the right count.
- `promotion_products`: our projection of the catalog (category path, brand), fed by catalog
  events, to scope sales by category and brand.
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

from itvision.platform.db import Base, UtcDateTime


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
    status: Mapped[str] = mapped_column(String(10))  # reserved | redeemed | released
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
