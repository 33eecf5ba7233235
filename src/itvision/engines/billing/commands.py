"""The typed inputs of the billing use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.engines.billing.rules.states import RefundReason
from itvision.engines.payment.events import PaymentMethod
from itvision.platform.auth import Principal

DeliveryMethod = Literal["home_delivery", "pickup"]


@dataclass(frozen=True, slots=True)
class SoldLine:
    """An order line as it was sold: unit price VAT included, the line's discount too."""

    sku: str
    product_id: str
    name: str
    quantity: int
    unit_price: int
    discount: int = 0


@dataclass(frozen=True, slots=True)
class Address:
    recipient_name: str
    phone: str
    city: str
    area: str | None = None
    address_line: str | None = None
    country: str = "SN"


@dataclass(frozen=True, slots=True)
class RecordOrder:
    """An order placed (`order.order.placed`): what its invoice will be made of."""

    order_id: str
    customer_id: str
    lines: tuple[SoldLine, ...]
    subtotal: int
    discount_total: int
    shipping_fee: int
    vat_total: int
    total: int
    currency: str
    payment_method: str
    delivery_method: DeliveryMethod
    delivery_address: Address | None
    quote_id: str | None
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class GenerateInvoice:
    """An order was confirmed (`order.order.confirmed`): its invoice, once."""

    order_id: str


@dataclass(frozen=True, slots=True)
class RecordPayment:
    """An order was paid (`payment.payment.succeeded`)."""

    payment_id: str
    order_id: str
    amount: int
    method: PaymentMethod
    paid_at: datetime


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """An order was cancelled (`order.order.cancelled`): if invoiced, a full credit note."""

    order_id: str
    reason: str
    note: str | None
    cancelled_at: datetime


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CreditRefund:
    """An order was refunded (`order.order.refunded`): a credit note for the amount."""

    order_id: str
    refund_id: str
    amount: int
    reason: RefundReason
    lines: tuple[ReturnedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class FlagOverdueInvoices:
    """Announce, once each, the business invoices unpaid a day or more past their due date."""

    now: datetime | None = None  # now, unless a test or a backfill says otherwise


@dataclass(frozen=True, slots=True)
class Buyer:
    name: str
    company: str | None = None
    ninea: str | None = None
    rccm: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class QuotedLine:
    """A quote line: a catalog product at a price before VAT, less a percentage."""

    sku: str
    product_id: str
    description: str
    quantity: int
    unit_price: int
    discount_percent: int = 0


@dataclass(frozen=True, slots=True)
class CreateQuote:
    customer_id: str
    buyer: Buyer
    lines: tuple[QuotedLine, ...]
    caller: Principal
    valid_until: datetime | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptQuote:
    quote_id: str
    caller: Principal
    payment_method: PaymentMethod
    delivery_address: Address | None = None  # delivered home there; None: picked up

    @property
    def delivery_method(self) -> DeliveryMethod:
        return "pickup" if self.delivery_address is None else "home_delivery"
