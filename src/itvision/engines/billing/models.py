"""Tables of the billing engine (all named `billing_*`; no other engine touches them).

- `billing_orders`: our projection of placed orders (lines at the prices they were sold at,
  totals, buyer, payment method), from `order.order.placed`: what an invoice is made of.
- `billing_cancellations`: orders we learnt were cancelled, invoiced or not (a cancellation
  may arrive before the confirmation it follows, on Kafka).
- `billing_sequences`: one counter row per document series and year; the transaction that
  issues a document takes the next number by updating it, so numbers have no gap.
- `billing_invoices`, `billing_credit_notes`: issued documents. Never updated nor deleted
  (the mapper refuses to): an invoice's payments, overdue notice and credit notes are rows of
  their own, from which its status is derived.
- `billing_payments`, `billing_overdue_notices`: what happened to an invoice since.
- `billing_quotes`: quotes (devis) and their acceptance.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Dialect,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
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


class PlacedOrder(Base):
    __tablename__ = "billing_orders"

    order_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    # [{sku, product_id, name, quantity, unit_price, discount}]: unit prices VAT included
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    subtotal: Mapped[int] = mapped_column(Integer)
    discount_total: Mapped[int] = mapped_column(Integer)
    shipping_fee: Mapped[int] = mapped_column(Integer)
    vat_total: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(30))
    delivery_method: Mapped[str] = mapped_column(String(20))
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    quote_id: Mapped[str | None] = mapped_column(String(36))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Cancellation(Base):
    __tablename__ = "billing_cancellations"

    order_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DocumentSequence(Base):
    __tablename__ = "billing_sequences"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    __tablename__ = "billing_invoices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[str] = mapped_column(String(100), unique=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    quote_id: Mapped[str | None] = mapped_column(String(36))
    is_business: Mapped[bool] = mapped_column(Boolean)
    # The seller and the buyer as they were when the invoice was issued.
    seller: Mapped[dict[str, Any]] = mapped_column(JSON)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{sku, description, quantity, unit_price, discount, amount}]: VAT included
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    subtotal: Mapped[int] = mapped_column(Integer)
    discount_total: Mapped[int] = mapped_column(Integer)
    shipping_fee: Mapped[int] = mapped_column(Integer)
    amount_excl_vat: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText())
    vat_amount: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(30))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verification_token: Mapped[str] = mapped_column(String(64))


class InvoicePayment(Base):
    """A payment of an order: of its invoice, or waiting for it (`invoice_id` None: the
    payment was seen before the order was confirmed and invoiced)."""

    __tablename__ = "billing_payments"

    payment_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(100), index=True)
    invoice_id: Mapped[str | None] = mapped_column(ForeignKey("billing_invoices.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(30))
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OverdueNotice(Base):
    __tablename__ = "billing_overdue_notices"

    invoice_id: Mapped[str] = mapped_column(ForeignKey("billing_invoices.id"), primary_key=True)
    days_overdue: Mapped[int] = mapped_column(Integer)
    notified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CreditNote(Base):
    __tablename__ = "billing_credit_notes"
    __table_args__ = (UniqueConstraint("invoice_id", "cause"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("billing_invoices.id"), index=True)
    order_id: Mapped[str] = mapped_column(String(100), index=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    # What it credits, once: "cancellation", or "refund:<refund id>"
    cause: Mapped[str] = mapped_column(String(140))
    reason: Mapped[str] = mapped_column(String(30))
    order_refund_id: Mapped[str | None] = mapped_column(String(100))
    # [{sku, description, quantity, amount}]: VAT included
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    amount: Mapped[int] = mapped_column(Integer)
    vat_amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    verification_token: Mapped[str] = mapped_column(String(64))


class Quote(Base):
    __tablename__ = "billing_quotes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    # {name, company, ninea, rccm, phone, email, address}
    buyer: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{sku, product_id, description, quantity, unit_price, discount_percent}]: before VAT
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    gross: Mapped[int] = mapped_column(Integer)
    discount_total: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText())
    vat_amount: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    payment_method: Mapped[str | None] = mapped_column(String(30))
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    order_id: Mapped[str | None] = mapped_column(String(100))


class IssuedDocumentChanged(Exception):
    """A bug: issued invoices and credit notes are legal documents, never changed."""


@event.listens_for(Invoice, "before_update")
@event.listens_for(Invoice, "before_delete")
@event.listens_for(CreditNote, "before_update")
@event.listens_for(CreditNote, "before_delete")
def _never_change(_mapper: Any, _connection: Any, document: Invoice | CreditNote) -> None:
    raise IssuedDocumentChanged(f"{document.number} is issued: it is never changed or deleted")
