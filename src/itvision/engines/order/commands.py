"""What the order use cases are asked to do: one frozen dataclass per use case, built by a
route, a consumer, a job or the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

DeliveryMethod = Literal["home_delivery", "pickup"]
CheckoutMethod = Literal["wave", "orange_money", "cash_on_delivery"]
CancelReason = Literal[
    "customer_request", "payment_failed", "out_of_stock", "fraud_suspected", "expired", "other"
]
CancelledBy = Literal["customer", "merchant", "system"]
RefundReason = Literal["cancelled", "returned", "damaged", "not_delivered", "commercial_gesture"]


@dataclass(frozen=True, slots=True)
class Said:
    """Which event (`topic`, id) of which engine told the order engine something, and when:
    the order's timeline keeps it."""

    topic: str
    event_id: str
    engine: str
    at: datetime


# Carts ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CartOwner:
    """A signed-in customer (`customer_id`) or an anonymous session (`session_id`)."""

    customer_id: str | None = None
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class CartItem:
    """A SKU as the catalog and the pricing engine describe it when it is put in a cart."""

    sku: str
    product_id: str
    variant_id: str | None
    name: str
    weight_grams: int | None
    unit_price: int


@dataclass(frozen=True, slots=True)
class SetCartLine:
    """Put `quantity` of an item in the cart: added to what is there (`add`), or instead."""

    owner: CartOwner
    item: CartItem
    quantity: int
    add: bool = False


@dataclass(frozen=True, slots=True)
class RemoveCartLine:
    owner: CartOwner
    sku: str


@dataclass(frozen=True, slots=True)
class ApplyCartCode:
    owner: CartOwner
    code: str


@dataclass(frozen=True, slots=True)
class SpendCartPoints:
    """Spend loyalty points on the cart (0: none); how many apply is decided when priced."""

    owner: CartOwner
    points: int


@dataclass(frozen=True, slots=True)
class RemoveCartCode:
    owner: CartOwner
    code: str


@dataclass(frozen=True, slots=True)
class Address:
    recipient_name: str
    phone: str
    city: str
    area: str | None = None
    address_line: str | None = None
    country: str = "SN"


@dataclass(frozen=True, slots=True)
class ChooseDelivery:
    owner: CartOwner
    method: DeliveryMethod
    address: Address


@dataclass(frozen=True, slots=True)
class MergeCarts:
    """A customer signed in: the anonymous session's cart joins theirs (quantities added,
    codes kept, the session's delivery choice when they had none)."""

    customer_id: str
    session_id: str


# Orders ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlacedLine:
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int
    unit_price_excl_vat: int | None
    discount: int


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """A customer checks their cart out: the order keeps these prices, discounts, fee and VAT.
    The same `idempotency_key` again gives the same order; with another `request_hash`, a 409."""

    customer_id: str
    idempotency_key: str
    request_hash: str
    cart_id: str
    lines: tuple[PlacedLine, ...]
    subtotal: int
    discount_total: int
    shipping_fee: int
    vat_total: int
    total: int
    payment_method: CheckoutMethod
    delivery_method: DeliveryMethod
    address: Address
    shipping_zone: str | None
    promotion_codes: tuple[str, ...]
    points_redeemed: int = 0
    points_discount: int = 0


@dataclass(frozen=True, slots=True)
class QuotedLine:
    sku: str
    product_id: str
    description: str
    quantity: int
    unit_price_excl_vat: int


@dataclass(frozen=True, slots=True)
class PlaceQuotedOrder:
    """A customer (or staff) accepted a quote: an order at the quoted prices, once per quote."""

    said: Said
    quote_id: str
    quote_number: str
    customer_id: str
    lines: tuple[QuotedLine, ...]
    vat_rate: Decimal
    vat_amount: int
    total: int
    payment_method: str
    delivery_method: DeliveryMethod
    address: Address | None


@dataclass(frozen=True, slots=True)
class PlaceGroupOrder:
    """A group buy closed: the participant's order at the group's price, once per
    participation (already paid through it)."""

    said: Said
    group_id: str
    group_name: str | None
    participation_id: str
    customer_id: str
    sku: str
    product_id: str
    quantity: int
    unit_price: int
    payment_method: str
    delivery_method: DeliveryMethod
    address: Address | None


@dataclass(frozen=True, slots=True)
class RecordReservation:
    said: Said
    order_id: str
    reservation_id: str


@dataclass(frozen=True, slots=True)
class RecordRefusal:
    said: Said
    order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordPayment:
    said: Said
    order_id: str
    payment_id: str
    amount: int
    method: str
    provider_reference: str | None


@dataclass(frozen=True, slots=True)
class RecordPaymentFailure:
    said: Said
    order_id: str
    payment_id: str
    method: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordDispatch:
    said: Said
    order_id: str
    shipment_id: str
    carrier: str
    tracking_number: str | None
    estimated_delivery_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecordDelivery:
    said: Said
    order_id: str
    shipment_id: str
    cash_collected: int | None


@dataclass(frozen=True, slots=True)
class RecordRefundPayment:
    """Payment paid money back: for a return (`order_refund_id`) or a cancelled order."""

    said: Said
    order_id: str
    payment_refund_id: str
    order_refund_id: str | None
    amount: int
    method: str
    manual: bool
    operator: str | None


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """`customer_id` set: a customer cancelling their own order (someone else's is a 404)."""

    order_id: str
    reason: CancelReason
    cancelled_by: CancelledBy
    actor: str
    note: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExpireOrders:
    """Cancel the unpaid orders whose payment deadline had passed at `as_of` (now if None)."""

    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RefundOrder:
    order_id: str
    reason: RefundReason
    lines: tuple[ReturnedLine, ...]
    amount: int | None
    actor: str
    note: str | None = None
