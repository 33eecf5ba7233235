"""What the shipping API reads and answers: zones, their places and weight bands, stores, fee
quotes, shipments with their history, status reports from staff and carriers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from itvision.engines.shipping.commands import DeliveryMethod, PlaceName, Proof
from itvision.engines.shipping.events import ShipmentStatus
from itvision.engines.shipping.queries.fees import Quote
from itvision.engines.shipping.queries.network import ZoneView
from itvision.engines.shipping.queries.shipments import ShipmentView
from itvision.engines.shipping.rules.fees import Band
from itvision.engines.shipping.rules.shipments import allowed_next
from itvision.platform.inputs import InputModel, Moment, Omittable, nonblank

Code = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,59}$"),
    Field(description="Lowercase letters, digits and hyphens, e.g. 'sn-dakar-plateau'"),
]
Country = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), Field(description="ISO 3166 code: SN, CI")
]
PlaceText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=r"[^\W_]"),
    Field(description="A place name, with at least one letter or digit"),
]
Name = Annotated[str, nonblank(200)]
Note = Annotated[str, nonblank(500)]
Amount = Annotated[int, Field(ge=0, le=1_000_000_000, description="XOF, VAT included")]
Days = Annotated[int, Field(ge=0, le=90)]
Grams = Annotated[int, Field(ge=0, le=1_000_000, description="Grams")]
ReportedStatus = Literal[
    "picked_up", "in_transit", "out_for_delivery", "delivered", "failed_attempt", "returned"
]


class PlaceIn(InputModel):
    """A city's area, a whole city (no area), or the whole country (neither)."""

    # An area is named with its city: said in the schema, so clients know it beforehand.
    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"not": {"required": ["area"]}}, {"required": ["city"]}]}
    )

    city: Omittable[PlaceText] = None
    area: Omittable[PlaceText] = None

    @model_validator(mode="after")
    def _area_in_a_city(self) -> PlaceIn:
        if self.area is not None and self.city is None:
            raise ValueError("an area is named with its city")
        return self

    def command(self) -> PlaceName:
        return PlaceName(self.city, self.area)


class BandIn(InputModel):
    up_to_grams: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        description="Heaviest parcel of the band, grams; null: any heavier parcel"
    )
    fee: Amount
    per_extra_kg: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        default=0, description="Added for each started kilogram above the band's start"
    )

    def command(self) -> Band:
        return Band(self.up_to_grams, self.fee, self.per_extra_kg)


Places = Annotated[list[PlaceIn], Field(min_length=1, max_length=200)]
Bands = Annotated[list[BandIn], Field(min_length=1, max_length=50)]


def _distinct_bands(bands: list[BandIn]) -> None:
    limits = [b.up_to_grams for b in bands]
    if len(set(limits)) != len(limits):
        raise ValueError("two bands end at the same weight")


class ZoneCreate(InputModel):
    code: Code
    name: Name
    country: Country
    estimated_days: Days
    free_from: Amount | None = Field(
        default=None, description="Free delivery from this subtotal; null: the default"
    )
    places: Places
    bands: Bands

    @model_validator(mode="after")
    def _bands(self) -> ZoneCreate:
        _distinct_bands(self.bands)
        return self


class ZoneUpdate(InputModel):
    """Only the fields sent change; `free_from: null` restores the default threshold."""

    name: Omittable[Name] = None
    estimated_days: Omittable[Days] = None
    free_from: Amount | None = None
    active: Omittable[bool] = None


class PlacesReplace(InputModel):
    places: Places


class RateReplace(InputModel):
    bands: Bands

    @model_validator(mode="after")
    def _bands(self) -> RateReplace:
        _distinct_bands(self.bands)
        return self


class PlacePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    city: str | None
    area: str | None


class BandPublic(BaseModel):
    up_to_grams: int | None
    fee: int
    per_extra_kg: int


class ZonePublic(BaseModel):
    code: str
    name: str
    country: str
    estimated_days: int
    free_from: int | None = Field(description="null: the engine's default threshold applies")
    active: bool
    places: list[PlacePublic]
    bands: list[BandPublic]

    @classmethod
    def of(cls, view: ZoneView) -> ZonePublic:
        zone = view.zone
        return cls(
            code=zone.code,
            name=zone.name,
            country=zone.country,
            estimated_days=zone.estimated_days,
            free_from=zone.free_from,
            active=zone.active,
            places=[PlacePublic.model_validate(p) for p in view.places],
            bands=[BandPublic(up_to_grams=b.up_to_grams, fee=b.fee, per_extra_kg=b.per_extra_kg)
                   for b in view.bands],
        )  # fmt: skip


class StoreCreate(InputModel):
    code: Code
    name: Name
    country: Country
    city: PlaceText
    area: PlaceText | None = None
    address: Annotated[str, nonblank(300)]
    phone: Annotated[str, nonblank(40)] | None = None
    opening_hours: Name | None = None
    ready_in_days: Days = 1


class StoreUpdate(InputModel):
    """Only the fields sent change."""

    name: Omittable[Name] = None
    address: Omittable[Annotated[str, nonblank(300)]] = None
    phone: Annotated[str, nonblank(40)] | None = None
    opening_hours: Name | None = None
    ready_in_days: Omittable[Days] = None
    active: Omittable[bool] = None


class StorePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    country: str
    city: str
    area: str | None
    address: str
    phone: str | None
    opening_hours: str | None
    ready_in_days: int
    active: bool


class QuoteRequest(InputModel):
    """A delivery fee for a cart: where it goes, how heavy it is, what it is worth."""

    country: Country
    city: PlaceText
    area: PlaceText | None = None
    delivery_method: DeliveryMethod = "home_delivery"
    weight_grams: Grams
    subtotal: Amount


class QuotePublic(BaseModel):
    zone: str = Field(description="The zone's code; store:<code> for a pickup")
    zone_name: str
    fee: int
    free_from: int | None
    estimated_days: int
    store_code: str | None
    currency: Literal["XOF"] = "XOF"

    @classmethod
    def of(cls, quote: Quote) -> QuotePublic:
        return cls(
            zone=quote.zone,
            zone_name=quote.zone_name,
            fee=quote.fee,
            free_from=quote.free_from,
            estimated_days=quote.estimated_days,
            store_code=quote.store_code,
        )


class StatusChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: ShipmentStatus
    previous_status: ShipmentStatus | None
    note: str | None
    location: str | None
    changed_by: str
    changed_at: datetime


class ShipmentPublic(BaseModel):
    id: str
    order_id: str
    customer_id: str
    delivery_method: DeliveryMethod
    status: ShipmentStatus
    allowed_next: list[ShipmentStatus] = Field(
        description="The statuses it may take next (cancelled: only by the order's cancellation)"
    )
    carrier: str
    tracking_number: str
    store_code: str | None
    zone: str | None
    recipient_name: str | None
    phone: str | None
    country: str
    city: str
    area: str | None
    address_line: str | None
    shipping_fee: int
    cash_due: int | None = Field(description="Cash the courier collects (cash on delivery)")
    cash_collected: int | None
    cash_discrepancy: bool = Field(description="The courier reported another amount than due")
    estimated_delivery_at: datetime | None
    created_at: datetime
    updated_at: datetime
    history: list[StatusChangePublic]

    @classmethod
    def of(cls, view: ShipmentView) -> ShipmentPublic:
        s = view.shipment
        status: ShipmentStatus = s.status  # type: ignore[assignment]
        return cls(
            id=s.id,
            order_id=s.order_id,
            customer_id=s.customer_id,
            delivery_method=s.delivery_method,
            status=status,
            allowed_next=allowed_next(status),
            carrier=s.carrier,
            tracking_number=s.tracking_number,
            store_code=s.store_code,
            zone=s.zone,
            recipient_name=s.recipient_name,
            phone=s.phone,
            country=s.country,
            city=s.city,
            area=s.area,
            address_line=s.address_line,
            shipping_fee=s.shipping_fee,
            cash_due=s.cash_due,
            cash_collected=s.cash_collected,
            cash_discrepancy=s.cash_collected is not None and s.cash_collected != s.cash_due,
            estimated_delivery_at=s.estimated_delivery_at,
            created_at=s.created_at,
            updated_at=s.updated_at,
            history=[StatusChangePublic.model_validate(c) for c in view.history],
        )


class _Report(InputModel):
    note: Note | None = None
    location: Name | None = None
    cash_collected: Amount | None = Field(
        default=None,
        description="Cash the courier took: required with delivered for a cash-on-delivery "
        "order; another amount than due is recorded with a warning",
    )
    received_by: Name | None = None
    proof: Proof = "none"
    courier_phone: Annotated[str, nonblank(40)] | None = None


class StatusUpdate(_Report):
    """A status reported by staff (a courier called in, a parcel handed over at the store)."""

    status: ReportedStatus
    occurred_at: Moment | None = Field(
        default=None, description="When it happened; now if left out"
    )


class CarrierReport(_Report):
    """What a carrier's webhook reports about one of its parcels."""

    event_id: Annotated[str, nonblank(200)] | None = Field(
        default=None, description="The carrier's id of this report: the same one twice is one"
    )
    tracking_number: Annotated[str, nonblank(40)]
    status: ReportedStatus
    occurred_at: Moment


class CarrierAssign(InputModel):
    carrier: Code
    tracking_number: Annotated[str, nonblank(40)] | None = Field(
        default=None, description="The carrier's own tracking number; keeps ours if left out"
    )


class ReportAnswer(BaseModel):
    shipment_id: str
    status: ShipmentStatus
    duplicate: bool = Field(description="The same report was recorded before: nothing changed")
