"""Events of the inventory engine: stock movements, low-stock and out-of-stock alerts, reorders.

Quantities are per SKU and warehouse; `quantity_available` is on hand minus reserved.
`warehouse_id` is a location code of the inventory engine: lowercase letters, digits and
hyphens, e.g. `dakar` (Entrepôt de Dakar) or `abidjan` (Entrepôt d'Abidjan).
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "inventory-engine"

MovementReason = Literal[
    "receipt", "sale", "reservation", "release", "return", "adjustment", "transfer", "count"
]
"""Why a SKU's stock changed: the reason of its ledger entry."""


class StockUpdated(Payload):
    sku: str
    product_id: str
    warehouse_id: str
    quantity_on_hand: int = Field(ge=0)
    quantity_reserved: int = Field(ge=0)
    quantity_available: int = Field(ge=0)
    delta: int = Field(description="Change of quantity on hand; negative when stock left")
    reason: MovementReason
    order_id: str | None = None
    updated_at: UtcDatetime
    reserved_delta: int = Field(default=0, description="Change of quantity reserved")
    reference: str | None = Field(
        default=None, description="What caused the change: order id, delivery note, count sheet"
    )


class StockLow(Payload):
    sku: str
    product_id: str
    warehouse_id: str
    quantity_available: int = Field(ge=0)
    threshold: int = Field(ge=0)
    detected_at: UtcDatetime


class StockDepleted(Payload):
    sku: str
    product_id: str
    warehouse_id: str
    quantity_reserved: int = Field(default=0, ge=0)
    depleted_at: UtcDatetime


class ReorderSuggested(Payload):
    sku: str
    product_id: str
    warehouse_id: str
    quantity_available: int = Field(ge=0)
    suggested_quantity: int = Field(gt=0)
    supplier_id: str | None = None
    estimated_cost: Amount | None = None
    currency: Currency = "XOF"
    suggested_at: UtcDatetime
    reorder_point: int | None = Field(
        default=None, ge=0, description="ceil(daily velocity × lead time days) + safety stock"
    )
    lead_time_days: int | None = Field(default=None, ge=0)
    units_sold: int | None = Field(
        default=None, ge=0, description="Units sold from this warehouse in the velocity window"
    )
    velocity_days: int | None = Field(default=None, gt=0, description="The velocity window")


class ReservedLine(Payload):
    sku: str
    quantity: int = Field(gt=0)


class ReservationConfirmed(Payload):
    """Every line of a placed order is held for it until `expires_at` (None: no expiry)."""

    order_id: str
    reservation_id: str
    lines: list[ReservedLine]
    expires_at: UtcDatetime | None = None
    confirmed_at: UtcDatetime


class RefusedLine(Payload):
    sku: str
    requested: int = Field(gt=0)
    available: int = Field(ge=0)


class ReservationRefused(Payload):
    """A placed order could not be held in full, so nothing is held for it."""

    order_id: str
    lines: list[RefusedLine] = Field(description="The lines that could not be held")
    reason: str = Field(description="Why, in French, for the customer")
    refused_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "inventory.stock.updated",
        StockUpdated,
        SOURCE,
        "A SKU's stock level changed (Stock mis à jour)",
        key="sku",
    ),
    Topic(
        "inventory.stock.low",
        StockLow,
        SOURCE,
        "A SKU's available stock fell to its alert threshold (Stock bas)",
        key="sku",
    ),
    Topic(
        "inventory.stock.depleted",
        StockDepleted,
        SOURCE,
        "A SKU ran out of available stock (Rupture de stock)",
        key="sku",
    ),
    Topic(
        "inventory.reorder.suggested",
        ReorderSuggested,
        SOURCE,
        "A replenishment order is suggested for a SKU (Réapprovisionnement suggéré)",
        key="sku",
    ),
    Topic(
        "inventory.reservation.confirmed",
        ReservationConfirmed,
        SOURCE,
        "The stock of a placed order is held for it (Stock réservé)",
        key="order_id",
    ),
    Topic(
        "inventory.reservation.refused",
        ReservationRefused,
        SOURCE,
        "A placed order could not be reserved (Réservation refusée)",
        key="order_id",
    ),
)
