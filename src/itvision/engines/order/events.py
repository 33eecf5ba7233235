"""Events of the order engine: the cart and every step of an order's life."""

from typing import Literal

from pydantic import Field

from itvision.engines.payment.events import PaymentMethod
from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "order-engine"


class OrderLine(Payload):
    sku: str
    product_id: str
    quantity: int = Field(gt=0)
    unit_price: Amount


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
    order_id: str
    customer_id: str
    lines: list[OrderLine] = Field(min_length=1)
    subtotal: Amount
    discount_total: Amount = 0
    shipping_fee: Amount = 0
    total: Amount
    currency: Currency = "XOF"
    payment_method: PaymentMethod
    delivery_method: Literal["home_delivery", "pickup"] = "home_delivery"
    delivery_address: DeliveryAddress | None = None
    promotion_code: str | None = None
    promotion_codes: list[str] = Field(
        default_factory=list, description="Every promo code typed for the order"
    )
    group_id: str | None = Field(default=None, description="Set when a group buy made the order")
    placed_at: UtcDatetime


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


class OrderRefunded(Payload):
    order_id: str
    customer_id: str
    refund_id: str
    amount: Amount
    currency: Currency = "XOF"
    is_partial: bool = False
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
