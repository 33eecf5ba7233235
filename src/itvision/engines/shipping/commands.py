"""What the shipping use cases are asked to do: one frozen dataclass per use case, built by a
route, a consumer or the CLI. `actor` is who asks: a staff member's subject, a carrier's code,
or the engine whose event caused it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.engines.shipping.events import ShipmentStatus
from itvision.engines.shipping.rules.fees import Band

DeliveryMethod = Literal["home_delivery", "pickup"]
Proof = Literal["otp", "signature", "photo", "none"]


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A place a zone covers: a city's area, a whole city (area None), or the whole country
    (city None)."""

    city: str | None
    area: str | None


@dataclass(frozen=True, slots=True)
class CreateZone:
    code: str
    name: str
    country: str
    estimated_days: int
    free_from: int | None
    places: tuple[PlaceName, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class UpdateZone:
    """Only the fields named in `changed` change; a None `free_from` then means the default."""

    code: str
    changed: frozenset[str]
    name: str | None = None
    estimated_days: int | None = None
    free_from: int | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class ReplacePlaces:
    zone_code: str
    places: tuple[PlaceName, ...]


@dataclass(frozen=True, slots=True)
class ReplaceRate:
    zone_code: str
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class CreateStore:
    code: str
    name: str
    country: str
    city: str
    area: str | None
    address: str
    phone: str | None
    opening_hours: str | None
    ready_in_days: int


@dataclass(frozen=True, slots=True)
class UpdateStore:
    """Only the fields named in `changed` change."""

    code: str
    changed: frozenset[str]
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    opening_hours: str | None = None
    ready_in_days: int | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class RecordOrder:
    """An order placed, as shipping needs it."""

    order_id: str
    customer_id: str
    delivery_method: DeliveryMethod
    payment_method: str
    recipient_name: str | None
    phone: str | None
    country: str | None
    city: str | None
    area: str | None
    address_line: str | None
    shipping_fee: int
    total: int
    currency: str
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class CreateShipment:
    order_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class CancelShipment:
    order_id: str
    actor: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReportStatus:
    """A status change reported by staff (`shipment_id`) or a carrier (`carrier` and
    `tracking_number`). `reference` names a carrier's report so the same one twice has one
    effect."""

    status: ShipmentStatus
    actor: str
    shipment_id: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    reference: str | None = None
    occurred_at: datetime | None = None
    note: str | None = None
    location: str | None = None
    cash_collected: int | None = None
    received_by: str | None = None
    proof: Proof = "none"
    courier_phone: str | None = None


@dataclass(frozen=True, slots=True)
class AssignCarrier:
    """Hand a shipment that has not left to another carrier, with its tracking number."""

    shipment_id: str
    carrier: str
    tracking_number: str | None
    actor: str


@dataclass(frozen=True, slots=True)
class FollowTier:
    """A customer's loyalty tier changed at `changed_at` (upgraded or reviewed down)."""

    customer_id: str
    tier: str
    free_shipping: bool
    changed_at: datetime
