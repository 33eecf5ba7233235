"""The payment engine's tables: its projection of orders, payments, the provider notifications
it received (its inbox) and refunds. Nobody else reads or writes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class PaymentOrder(Base):
    """What payment knows of an order, from the order and inventory engines' events, in
    whatever order they arrive: placed (amount, method, customer), reserved (payable), and
    cancelled. A row may exist before the order is known to be placed (`customer_id` None)."""

    __tablename__ = "payment_orders"

    order_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(200), index=True)
    amount: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="XOF")
    method: Mapped[str | None] = mapped_column(String(20))
    pay_by: Mapped[datetime | None] = mapped_column(UtcDateTime())
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reserved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A group buy: a participation's row has `order_id == participation_id` (paid before any
    # order exists); the group's order of a participant names it, and is settled from it.
    group_id: Mapped[str | None] = mapped_column(String(40))
    participation_id: Mapped[str | None] = mapped_column(String(40), index=True)


class Payment(Base):
    """One attempt to be paid for an order, with one provider session. Status: `initiating`
    (recorded, the provider not answered yet), `pending` (the customer has the checkout URL),
    `succeeded`, `failed`, `cancelled` (the order was cancelled first), `abandoned` (the
    provider never gave a session). `idempotency_key` is unique per caller."""

    __tablename__ = "payment_payments"
    __table_args__ = (
        UniqueConstraint("requested_by", "idempotency_key", name="uq_payment_payments_key"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="refunded_within_amount"),
        Index("ix_payment_payments_due", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(100), index=True)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    requested_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    provider_reference: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Orange Money's proof that a notification is about this payment; never shown.
    notif_token: Mapped[str | None] = mapped_column(String(200), unique=True)
    transaction_id: Mapped[str | None] = mapped_column(String(200))
    checkout_url: Mapped[str | None] = mapped_column(String(1000))
    fee: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    # Set for a group-buy participation's payment (its `order_id` is the participation id).
    participation_id: Mapped[str | None] = mapped_column(String(40))
    # A group order's payment: the participation's payment it was settled from (it has no
    # provider session of its own).
    paid_from: Mapped[str | None] = mapped_column(String(40))
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    # A cancelled payment's provider session is closed (Wave: expired) by a job.
    session_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProviderNotification(Base):
    """A verified webhook or notification, stored when it arrives (answered at once) and
    processed after. `(provider, event_id)` is unique: the same delivery twice is one row."""

    __tablename__ = "payment_notifications"
    __table_args__ = (
        UniqueConstraint("provider", "event_id", name="uq_payment_notifications_event"),
        Index("ix_payment_notifications_due", "processed_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(300))
    payment_id: Mapped[str] = mapped_column(String(40), index=True)
    # What it claims (succeeded, failed), and whether the provider must confirm it first.
    kind: Mapped[str] = mapped_column(String(12))
    confirm: Mapped[bool] = mapped_column(Boolean)
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    transaction_id: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Refund(Base):
    """Money to give back for a payment: the whole of it when its order was cancelled, or the
    amount of an order refund (`order_refund_id`). `cause` is unique: one refund per cause.
    Status: `pending` (the provider's refund API will be called, until it succeeds),
    `awaiting_operator` (paid back by hand, then recorded), `completed`."""

    __tablename__ = "payment_refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payment_refunds_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    cause: Mapped[str] = mapped_column(String(200), unique=True)
    payment_id: Mapped[str] = mapped_column(String(40), index=True)
    order_id: Mapped[str] = mapped_column(String(100), index=True)
    customer_id: Mapped[str] = mapped_column(String(200))
    order_refund_id: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    manual: Mapped[bool] = mapped_column(Boolean)
    operator: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
