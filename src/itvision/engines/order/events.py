"""Events of the order engine: the cart and every step of an order's life."""

from typing import Any, Literal

from pydantic import Field, model_validator

from itvision.engines.payment.events import PaymentMethod
from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "order-engine"


class OrderLine(Payload):
    sku: str
    product_id: str
    variant_id: str | None = None
    name: str = Field(default="", description="What the customer bought, in French")
    quantity: int = Field(gt=0)
    unit_price: Amount = Field(description="One unit, VAT included, before discounts")
    unit_price_excl_vat: Amount | None = None
    discount: Amount = Field(default=0, description="Discount on the whole line, VAT included")


class DeliveryAddress(Payload):
    recipient_name: str
    phone: str
    city: str
    area: str | None = Field(default=None, description="Neighbourhood (quartier)")
    address_line: str | None = None
    country: str = Field(default="SN", pattern=r"^[A-Z]{2}$")


class CartUpdated(Payload):
    cart_id: str
    customer_id: str | None = None
    session_id: str | None = None
    lines: list[OrderLine]
    subtotal: Amount
    currency: Currency = "XOF"
    updated_at: UtcDatetime


class OrderPlaced(Payload):
    """Version 2: the codes are in `promotion_codes` only. A version 1 event's single
    `promotionCode` is read into `promotion_codes`, so consumers read both during the change."""

    order_id: str
    customer_id: str
    lines: list[OrderLine] = Field(min_length=1)
    subtotal: Amount = Field(description="Sum of the lines, VAT included, before discounts")
    discount_total: Amount = 0
    shipping_fee: Amount = 0
    vat_total: Amount = Field(default=0, description="VAT included in `total`")
    total: Amount = Field(description="What the customer pays, VAT and shipping included")
    currency: Currency = "XOF"
    payment_method: PaymentMethod
    delivery_method: Literal["home_delivery", "pickup"] = "home_delivery"
    delivery_address: DeliveryAddress | None = None
    promotion_codes: list[str] = Field(
        default_factory=list, description="Every promo code applied to the order"
    )
    points_redeemed: int = Field(
        default=0, ge=0, description="Loyalty points the customer spent on this order"
    )
    points_discount: Amount = Field(
        default=0, description="What those points paid, VAT included (part of discount_total)"
    )
    group_id: str | None = Field(default=None, description="Set when a group buy made the order")
    participation_id: str | None = Field(
        default=None,
        description="The group-buy participation the order serves: its stock is already held, "
        "its payment already taken",
    )
    quote_id: str | None = Field(default=None, description="Set when an accepted quote made it")
    pay_by: UtcDatetime | None = Field(
        default=None, description="An unpaid order is cancelled (expired) at this time"
    )
    placed_at: UtcDatetime

    @model_validator(mode="before")
    @classmethod
    def _read_version_1(cls, data: Any) -> Any:
        if isinstance(data, dict):
            legacy = ("promotionCode", "promotion_code")
            old = next((data[name] for name in legacy if data.get(name)), None)
            if old:
                data = {k: v for k, v in data.items() if k not in legacy}
                codes = list(data.pop("promotionCodes", None) or data.get("promotion_codes") or [])
                data["promotion_codes"] = [*codes, *([old] if old not in codes else [])]
        return data


class OrderConfirmed(Payload):
    order_id: str
    customer_id: str
    total: Amount
    currency: Currency = "XOF"
    payment_method: PaymentMethod
    confirmed_at: UtcDatetime


class OrderShipped(Payload):
    order_id: str
    customer_id: str
    shipment_id: str
    carrier: str
    tracking_number: str | None = None
    estimated_delivery_at: UtcDatetime | None = None
    shipped_at: UtcDatetime


class OrderDelivered(Payload):
    order_id: str
    customer_id: str
    total: Amount
    currency: Currency = "XOF"
    delivered_at: UtcDatetime


class OrderCancelled(Payload):
    order_id: str
    customer_id: str
    reason: Literal[
        "customer_request",
        "payment_failed",
        "out_of_stock",
        "fraud_suspected",
        "expired",
        "other",
    ]
    cancelled_by: Literal["customer", "merchant", "system"]
    note: str | None = None
    cancelled_at: UtcDatetime


class RefundedLine(Payload):
    sku: str
    quantity: int = Field(gt=0)


class OrderRefunded(Payload):
    order_id: str
    customer_id: str
    refund_id: str
    amount: Amount = Field(description="VAT included")
    currency: Currency = "XOF"
    is_partial: bool = False
    lines: list[RefundedLine] = Field(
        default_factory=list, description="Goods that came back, if any"
    )
    reason: Literal["cancelled", "returned", "damaged", "not_delivered", "commercial_gesture"]
    refunded_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "order.cart.updated",
        CartUpdated,
        SOURCE,
        "A cart's content changed (Panier modifié)",
        key="cart_id",
    ),
    Topic(
        "order.order.placed",
        OrderPlaced,
        SOURCE,
        "A customer placed an order (Commande passée)",
        key="order_id",
        version=2,
    ),
    Topic(
        "order.order.confirmed",
        OrderConfirmed,
        SOURCE,
        "An order was confirmed (Commande confirmée)",
        key="order_id",
    ),
    Topic(
        "order.order.shipped",
        OrderShipped,
        SOURCE,
        "An order left for delivery (Commande expédiée)",
        key="order_id",
    ),
    Topic(
        "order.order.delivered",
        OrderDelivered,
        SOURCE,
        "An order reached the customer (Commande livrée)",
        key="order_id",
    ),
    Topic(
        "order.order.cancelled",
        OrderCancelled,
        SOURCE,
        "An order was cancelled (Commande annulée)",
        key="order_id",
    ),
    Topic(
        "order.order.refunded",
        OrderRefunded,
        SOURCE,
        "An order was refunded, fully or partly (Commande remboursée)",
        key="order_id",
    ),
)
