"""The order engine's tables (all named `order_*`; no other engine touches them).

- `order_carts`, `order_cart_lines`: a cart per customer, or per anonymous session, and its
  lines by SKU. A line keeps what the catalog said of the SKU when it was added (product, name,
  weight) and the price last seen; the cart is priced again, live, each time it is read.
- `order_orders`, `order_order_lines`: an order as it was sold (prices, discounts, fee, VAT),
  its status, and what the saga told it so far (stock reserved, paid, dispatched, delivered),
  so that events arriving in any order lead to the same status.
- `order_checkouts`: which `Idempotency-Key` of a customer made which order.
- `order_refunds`: refunds (returns) after delivery, and whether payment paid them back.
- `order_timeline`: what happened to an order, when, and which engine said so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from itvision.platform.db import Base, UtcDateTime


class Cart(Base):
    """Exactly one of `customer_id` and `session_id` is set."""

    __tablename__ = "order_carts"
    __table_args__ = (
        CheckConstraint("(customer_id IS NULL) <> (session_id IS NULL)", name="one_owner"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    session_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Loyalty points the customer asked to spend; what they pay is worked out when priced.
    points_requested: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lines: Mapped[list[CartLine]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CartLine.added_at"
    )


class CartLine(Base):
    __tablename__ = "order_cart_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    cart_id: Mapped[str] = mapped_column(
        ForeignKey("order_carts.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(100))
    variant_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Order(Base):
    __tablename__ = "order_orders"
    __table_args__ = (
        Index("ix_order_orders_customer_placed", "customer_id", "placed_at"),
        Index("ix_order_orders_status_placed", "status", "placed_at"),
        Index("ix_order_orders_due", "status", "pay_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    payment_method: Mapped[str] = mapped_column(String(20))
    delivery_method: Mapped[str] = mapped_column(String(20))
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    shipping_zone: Mapped[str | None] = mapped_column(String(100))
    promotion_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger)
    # Loyalty points spent, and the part of `discount_total` they paid.
    points_redeemed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_discount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    shipping_fee: Mapped[int] = mapped_column(BigInteger)
    vat_total: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    quote_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # A group buy's order of one participant: one order per participation.
    group_id: Mapped[str | None] = mapped_column(String(40), index=True)
    participation_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    pay_by: Mapped[datetime | None] = mapped_column(UtcDateTime())
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # What the saga said so far, whatever the order it came in.
    reservation_id: Mapped[str | None] = mapped_column(String(100))
    reserved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    payment_id: Mapped[str | None] = mapped_column(String(100))
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    shipment_id: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    estimated_delivery_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(30))
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    cancel_note: Mapped[str | None] = mapped_column(String(500))
    refunded_total: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_back_total: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[list[OrderLine]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="OrderLine.position"
    )


class OrderLine(Base):
    __tablename__ = "order_order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    order_id: Mapped[str] = mapped_column(
        ForeignKey("order_orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[str] = mapped_column(String(100))
    variant_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    unit_price_excl_vat: Mapped[int | None] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0)


class Checkout(Base):
    """A customer's checkout request, by its `Idempotency-Key`: the same key again gives the
    same order, and the same key with another body is refused (`request_hash`)."""

    __tablename__ = "order_checkouts"

    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str] = mapped_column(ForeignKey("order_orders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Refund(Base):
    __tablename__ = "order_refunds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ForeignKey("order_orders.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(30))
    is_partial: Mapped[bool] = mapped_column()
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set when payment says the money went back (`payment.refund.completed`).
    payment_refund_id: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TimelineEntry(Base):
    """One event of an order's life, as the customer and staff read it."""

    __tablename__ = "order_timeline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(
        ForeignKey("order_orders.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    engine: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(1000))
