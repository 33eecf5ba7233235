"""What the inventory API reads and answers. Customers and anonymous callers see available
quantities only (`*Public`); staff see on hand, reserved, costs and the ledger (`*Staff`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from itvision.engines.inventory.events import MovementReason
from itvision.engines.inventory.queries import StockView
from itvision.engines.inventory.rules import ReservationStatus
from itvision.engines.inventory.services.reconciliation import ReconcileReport
from itvision.platform.inputs import InputModel, nonblank

Sku = Annotated[str, nonblank(100)]
LocationCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$"),
    Field(description="A location code: lowercase letters, digits, hyphens (e.g. 'dakar')"),
]
Reference = Annotated[
    str,
    nonblank(200),
    Field(description="What the change refers to: delivery note, order id, count sheet"),
]
Note = Annotated[str, nonblank(500)]
Quantity = Annotated[int, Field(gt=0, le=1_000_000)]


class _Input(InputModel):
    model_config = ConfigDict(extra="forbid")


class LocationCreate(_Input):
    code: LocationCode
    name: Annotated[str, nonblank(200)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "SN"
    is_default: bool = False


class LocationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    country: str
    is_default: bool


class ReceiptCreate(_Input):
    sku: Sku
    warehouse_id: LocationCode
    quantity: Quantity
    reference: Reference
    note: Note | None = None


class ReturnCreate(ReceiptCreate):
    pass


class AdjustmentCreate(_Input):
    sku: Sku
    warehouse_id: LocationCode
    delta: Annotated[
        int,
        Field(
            ge=-1_000_000,
            le=1_000_000,
            description="Not zero",
            json_schema_extra={"not": {"const": 0}},
        ),
    ]
    reference: Reference
    note: Note = Field(description="Why: breakage, theft, a unit found…")

    @field_validator("delta")
    @classmethod
    def _changes_something(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("an adjustment changes the quantity: give a delta other than 0")
        return delta


class CountCreate(_Input):
    sku: Sku
    warehouse_id: LocationCode
    counted: Annotated[int, Field(ge=0, le=10_000_000)]
    reference: Reference
    note: Note | None = None


class ItemSettingsUpdate(_Input):
    """Only the fields sent change; null restores the engine's default."""

    low_stock_threshold: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    safety_stock: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    lead_time_days: Annotated[int, Field(ge=0, le=365)] | None = None
    supplier_id: (
        Annotated[
            str,
            nonblank(100),
        ]
        | None
    ) = None


class MovementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str
    warehouse_id: str
    reason: MovementReason
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reference: str
    note: str | None
    actor: str
    created_at: datetime


class LocationAvailability(BaseModel):
    warehouse_id: str
    available: int


class StockPublic(BaseModel):
    """Disponibilité: what anyone may know of a SKU's stock."""

    sku: str
    available: int
    in_stock: bool
    locations: list[LocationAvailability]

    @classmethod
    def of(cls, sku: str, by_location: dict[str, int]) -> StockPublic:
        total = sum(by_location.values())
        return cls(
            sku=sku,
            available=total,
            in_stock=total > 0,
            locations=[
                LocationAvailability(warehouse_id=w, available=a) for w, a in by_location.items()
            ],
        )


class LevelStaff(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    warehouse_id: str
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime


class LocationStockStaff(BaseModel):
    warehouse_id: str
    on_hand: int
    reserved: int
    available: int
    daily_velocity: float = Field(description="Units sold a day over the velocity window")
    reorder_point: int
    suggested_quantity: int
    updated_at: datetime


class ItemSettingsStaff(BaseModel):
    low_stock_threshold: int
    safety_stock: int
    lead_time_days: int
    supplier_id: str | None


class StockStaff(BaseModel):
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    unit_cost: int | None = Field(description="Cost price in XOF (staff only)")
    on_hand: int
    reserved: int
    available: int
    in_stock: bool
    settings: ItemSettingsStaff
    locations: list[LocationStockStaff]

    @classmethod
    def of(cls, view: StockView) -> StockStaff:
        return cls(
            sku=view.item.sku,
            product_id=view.item.product_id,
            variant_id=view.item.variant_id,
            name=view.item.name,
            unit_cost=view.item.unit_cost,
            on_hand=view.on_hand,
            reserved=view.reserved,
            available=view.available,
            in_stock=view.available > 0,
            settings=ItemSettingsStaff(
                low_stock_threshold=view.settings.low_stock_threshold,
                safety_stock=view.settings.safety_stock,
                lead_time_days=view.settings.lead_time_days,
                supplier_id=view.item.supplier_id,
            ),
            locations=[
                LocationStockStaff(
                    warehouse_id=level.warehouse_id,
                    on_hand=level.on_hand,
                    reserved=level.reserved,
                    available=level.available,
                    daily_velocity=round(float(level.daily_velocity), 2),
                    reorder_point=level.reorder_point,
                    suggested_quantity=level.suggested_quantity,
                    updated_at=level.updated_at,
                )
                for level in view.levels
            ],
        )


class ReservationCreate(_Input):
    sku: Sku
    quantity: Annotated[int, Field(gt=0, le=10_000)]
    reference: Reference = Field(description="Unique: a cart or order id of the caller")
    warehouse_id: LocationCode | None = Field(
        default=None, description="Reserve only from this location; default: any, by preference"
    )
    expires_in_minutes: Annotated[int, Field(ge=1, le=60 * 24 * 30)] | None = None


class ReservationLinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    warehouse_id: str
    quantity: int


class ReservationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    kind: Literal["order", "manual", "group_buy"]
    status: ReservationStatus
    note: str | None
    expires_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    lines: list[ReservationLinePublic]


class ExpiryReport(BaseModel):
    expired: int


class DriftPublic(BaseModel):
    sku: str
    warehouse_id: str
    quantity: Literal["reserved", "on_hand"]
    recorded: int
    expected: int
    fixed: bool | None = None
    note: str | None = None


class ReconcileReportPublic(BaseModel):
    levels_checked: int
    drifts: list[DriftPublic]
    reference: str | None

    @classmethod
    def of(cls, report: ReconcileReport) -> ReconcileReportPublic:
        drifts = []
        for d in report.drifts:
            repair = report.repair_of(d)
            drifts.append(
                DriftPublic(
                    sku=d.sku,
                    warehouse_id=d.warehouse_id,
                    quantity=d.quantity,
                    recorded=d.recorded,
                    expected=d.expected,
                    fixed=repair.fixed if repair else None,
                    note=repair.note if repair else None,
                )
            )
        return cls(levels_checked=report.levels_checked, drifts=drifts, reference=report.reference)
