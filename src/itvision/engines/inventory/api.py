"""The inventory API, mounted at /api/inventory. Anyone reads availability; staff receive,
adjust, count and restock, and read on hand, reserved and the ledger; staff and partners
reserve, release and sell reservations (a partner only its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from itvision.engines.inventory import queries
from itvision.engines.inventory.commands import (
    ITEM_SETTINGS,
    AdjustStock,
    CountStock,
    CreateLocation,
    ExpireReservations,
    ReceiveStock,
    ReconcileStock,
    ReleaseReservation,
    ReserveStock,
    ReturnStock,
    SellReservation,
    UpdateItemSettings,
)
from itvision.engines.inventory.events import MovementReason
from itvision.engines.inventory.rules import ReservationStatus
from itvision.engines.inventory.schemas import (
    AdjustmentCreate,
    CountCreate,
    ExpiryReport,
    ItemSettingsUpdate,
    LevelStaff,
    LocationCode,
    LocationCreate,
    LocationPublic,
    MovementPublic,
    ReceiptCreate,
    ReconcileReportPublic,
    ReservationCreate,
    ReservationPublic,
    ReturnCreate,
    StockPublic,
    StockStaff,
)
from itvision.engines.inventory.services import items, locations, reconciliation, reservations
from itvision.engines.inventory.services import stock as stock_changes
from itvision.engines.inventory.settings import InventorySettings
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Reserver = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.PARTNER)]
SkuPath = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/locations", response_model=list[LocationPublic])
async def list_locations(platform: PlatformDep, _: Anyone) -> list[LocationPublic]:
    """The warehouses (entrepôts) that hold stock."""
    return [LocationPublic.model_validate(loc) for loc in await queries.locations(platform)]


@router.post("/locations", status_code=201, response_model=LocationPublic)
async def create_location(platform: PlatformDep, body: LocationCreate, _: Staff) -> LocationPublic:
    location = await locations.create_location(platform, CreateLocation(**body.model_dump()))
    return LocationPublic.model_validate(location)


@router.get("/availability", response_model=list[StockPublic])
async def read_availability(
    platform: PlatformDep,
    _: Anyone,
    sku: Annotated[list[str], Query(min_length=1, max_length=100)],
) -> list[StockPublic]:
    """Available quantities of several SKUs at once (a product list); unknown SKUs are left
    out."""
    found = await queries.availability(platform, sku)
    return [StockPublic.of(s, found[s]) for s in dict.fromkeys(sku) if s in found]


@router.get("/stock", response_model=Page[LevelStaff])
async def list_stock(
    platform: PlatformDep,
    _: Staff,
    paging: Paging,
    warehouse_id: LocationCode | None = None,
    low: Annotated[bool, Query(description="Only levels at or below their threshold")] = False,
) -> Page[LevelStaff]:
    rows, total = await queries.stock_levels(
        platform,
        paging,
        settings=platform.settings_of(InventorySettings),
        warehouse_id=warehouse_id,
        low_only=low,
    )
    return Page.of([LevelStaff.model_validate(r) for r in rows], total, paging)


@router.get("/stock/{sku}", response_model=StockStaff | StockPublic)
async def read_stock(
    platform: PlatformDep, sku: SkuPath, caller: Anyone
) -> StockStaff | StockPublic:
    """A SKU's stock: available quantity per location for anyone; on hand, reserved and the
    reorder figures for staff."""
    view = await queries.stock_of(platform, sku, settings=platform.settings_of(InventorySettings))
    if caller is None or not caller.is_staff:
        return StockPublic.of(sku, {level.warehouse_id: level.available for level in view.levels})
    return StockStaff.of(view)


@router.get("/stock/{sku}/movements", response_model=Page[MovementPublic])
async def list_movements(
    platform: PlatformDep,
    sku: SkuPath,
    _: Staff,
    paging: Paging,
    warehouse_id: LocationCode | None = None,
    reason: MovementReason | None = None,
) -> Page[MovementPublic]:
    """The SKU's ledger (mouvements de stock), newest first."""
    rows, total = await queries.movements(
        platform, sku, paging, warehouse_id=warehouse_id, reason=reason
    )
    return Page.of([MovementPublic.model_validate(r) for r in rows], total, paging)


@router.patch("/items/{sku}", response_model=StockStaff)
async def update_item(
    platform: PlatformDep, sku: SkuPath, body: ItemSettingsUpdate, _: Staff
) -> StockStaff:
    """A SKU's low-stock threshold, safety stock, supplier lead time and supplier."""
    sent = frozenset(s for s in ITEM_SETTINGS if s in body.model_fields_set)
    command = UpdateItemSettings(sku=sku, changed=sent, **body.model_dump())
    await items.update_item_settings(platform, command)
    view = await queries.stock_of(platform, sku, settings=platform.settings_of(InventorySettings))
    return StockStaff.of(view)


@router.post("/receipts", status_code=201, response_model=MovementPublic)
async def receive(platform: PlatformDep, body: ReceiptCreate, caller: Staff) -> MovementPublic:
    """Goods received from a supplier (réception)."""
    command = ReceiveStock(**body.model_dump(), actor=caller.subject)
    return MovementPublic.model_validate(await stock_changes.receive_stock(platform, command))


@router.post("/returns", status_code=201, response_model=MovementPublic)
async def take_back(platform: PlatformDep, body: ReturnCreate, caller: Staff) -> MovementPublic:
    """Goods a customer returned, back in stock (retour)."""
    command = ReturnStock(**body.model_dump(), actor=caller.subject)
    return MovementPublic.model_validate(await stock_changes.return_stock(platform, command))


@router.post("/adjustments", status_code=201, response_model=MovementPublic)
async def adjust(platform: PlatformDep, body: AdjustmentCreate, caller: Staff) -> MovementPublic:
    """A correction with its cause (ajustement): breakage, theft, a unit found."""
    command = AdjustStock(**body.model_dump(), actor=caller.subject)
    return MovementPublic.model_validate(await stock_changes.adjust_stock(platform, command))


@router.post("/counts", status_code=201, response_model=MovementPublic)
async def count(platform: PlatformDep, body: CountCreate, caller: Staff) -> MovementPublic:
    """A physical count (inventaire): on hand becomes the counted quantity."""
    command = CountStock(**body.model_dump(), actor=caller.subject)
    return MovementPublic.model_validate(await stock_changes.count_stock(platform, command))


@router.post("/reservations", status_code=201, response_model=ReservationPublic)
async def reserve(
    platform: PlatformDep, body: ReservationCreate, caller: Reserver
) -> ReservationPublic:
    """Hold stock for a reference until it is sold, released or expires; 409
    `insufficient_stock` (field `sku`) when there is not enough."""
    command = ReserveStock(**body.model_dump(), caller=caller)
    return ReservationPublic.model_validate(await reservations.reserve_stock(platform, command))


@router.get("/reservations", response_model=Page[ReservationPublic])
async def list_reservations(
    platform: PlatformDep,
    caller: Reserver,
    paging: Paging,
    reference: Annotated[str | None, Query(max_length=200)] = None,
    status: ReservationStatus | None = None,
) -> Page[ReservationPublic]:
    """Reservations, newest first; a partner sees only its own."""
    rows, total = await queries.reservations(
        platform,
        paging,
        reference=reference,
        status=status,
        created_by=None if caller.is_staff else caller.subject,
    )
    return Page.of([ReservationPublic.model_validate(r) for r in rows], total, paging)


@router.get("/reservations/{reservation_id}", response_model=ReservationPublic)
async def read_reservation(
    platform: PlatformDep, reservation_id: str, caller: Reserver
) -> ReservationPublic:
    reservation = await queries.reservation(platform, reservation_id)
    caller.ensure_owns(reservation.created_by, "reservation")
    return ReservationPublic.model_validate(reservation)


@router.post("/reservations/{reservation_id}/release", response_model=ReservationPublic)
async def release(
    platform: PlatformDep, reservation_id: str, caller: Reserver
) -> ReservationPublic:
    """Give the held stock back (order cancelled, cart abandoned)."""
    command = ReleaseReservation(reservation_id, caller)
    return ReservationPublic.model_validate(
        await reservations.release_reservation(platform, command)
    )


@router.post("/reservations/{reservation_id}/sale", response_model=ReservationPublic)
async def sell(platform: PlatformDep, reservation_id: str, caller: Reserver) -> ReservationPublic:
    """The goods were shipped: the reservation becomes a sale; 409 on `sku` when a line's
    stock level is gone (count that stock first)."""
    command = SellReservation(reservation_id, caller)
    return ReservationPublic.model_validate(await reservations.sell_reservation(platform, command))


@router.post("/expire", response_model=ExpiryReport)
async def expire(platform: PlatformDep, _: Staff) -> ExpiryReport:
    """Release every reservation whose hold lapsed (as `itvision inventory expire`)."""
    expired = await reservations.expire_reservations(platform, ExpireReservations())
    return ExpiryReport(expired=expired)


@router.post("/reconcile", response_model=ReconcileReportPublic)
async def run_reconcile(
    platform: PlatformDep,
    _: Staff,
    fix: Annotated[bool, Query(description="Repair the drifts found")] = False,
) -> ReconcileReportPublic:
    """Check reserved against open reservations and on hand against the ledger (as
    `itvision inventory reconcile`)."""
    report = await reconciliation.reconcile_stock(platform, ReconcileStock(fix=fix))
    return ReconcileReportPublic.of(report)
