"""Events of the shipping engine: shipments created for orders, handed to a carrier, delivered."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "shipping-engine"


class ShipmentCreated(Payload):
    shipment_id: str
    order_id: str
    customer_id: str
    delivery_method: Literal["home_delivery", "pickup"]
    city: str
    area: str | None = Field(default=None, description="Neighbourhood (quartier)")
    country: str = Field(default="SN", pattern=r"^[A-Z]{2}$")
    package_count: int = Field(default=1, gt=0)
    carrier: str | None = None
    tracking_number: str | None = None
    zone: str | None = Field(default=None, description="The shipping zone's code")
    store_code: str | None = Field(
        default=None, description="The store the customer collects from (pickup)"
    )
    shipping_fee: Amount
    currency: Currency = "XOF"
    estimated_delivery_at: UtcDatetime | None = None
    created_at: UtcDatetime


class ShipmentDispatched(Payload):
    shipment_id: str
    order_id: str
    customer_id: str
    carrier: str
    tracking_number: str | None = None
    courier_phone: str | None = None
    estimated_delivery_at: UtcDatetime | None = None
    dispatched_at: UtcDatetime


class ShipmentDelivered(Payload):
    shipment_id: str
    order_id: str
    customer_id: str
    received_by: str | None = None
    proof: Literal["otp", "signature", "photo", "none"] = "none"
    cash_collected: Amount | None = Field(
        default=None, description="Cash taken by the courier for a cash-on-delivery order"
    )
    cash_due: Amount | None = Field(
        default=None,
        description="What the courier was to collect (the order's total) for a cash-on-delivery "
        "order; differs from `cash_collected` when the courier reported another amount",
    )
    currency: Currency = "XOF"
    delivered_at: UtcDatetime


ShipmentStatus = Literal[
    "created",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "failed_attempt",
    "returned",
    "cancelled",
]
"""`cancelled`: the order was cancelled before the shipment left (no carrier involved)."""


class ShipmentUpdated(Payload):
    """Every change of a shipment's status, the carrier's included (tracking)."""

    shipment_id: str
    order_id: str
    customer_id: str
    status: ShipmentStatus
    previous_status: ShipmentStatus | None = None
    note: str | None = None
    location: str | None = None
    changed_by: str = Field(description="Staff member, courier or carrier that reported it")
    changed_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "shipping.shipment.created",
        ShipmentCreated,
        SOURCE,
        "A shipment was prepared for an order (Expédition créée)",
        key="order_id",
    ),
    Topic(
        "shipping.shipment.dispatched",
        ShipmentDispatched,
        SOURCE,
        "A shipment was handed to a carrier (Colis expédié)",
        key="order_id",
    ),
    Topic(
        "shipping.shipment.delivered",
        ShipmentDelivered,
        SOURCE,
        "A shipment was delivered to the customer (Colis livré)",
        key="order_id",
    ),
    Topic(
        "shipping.shipment.updated",
        ShipmentUpdated,
        SOURCE,
        "A shipment's status changed (Suivi du colis)",
        key="order_id",
    ),
)
