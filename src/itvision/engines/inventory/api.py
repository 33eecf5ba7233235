"""The inventory API, mounted at /api/inventory. Anyone reads availability; staff receive,
adjust, count and restock, and read on hand, reserved and the ledger; staff and partners
reserve, release and sell reservations (a partner only its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from itvision.engines.inventory import expiry, queries, reconcile, reservations, stock
from itvision.engines.inventory.config import inventory_settings
from itvision.engines.inventory.events import MovementReason
from itvision.engines.inventory.models import Movement
from itvision.engines.inventory.rules import ReservationStatus
from itvision.engines.inventory.schemas import (
    AdjustmentCreate,
    CountCreate,
    DriftPublic,
    ExpiryReport,
    ItemSettingsStaff,
    ItemSettingsUpdate,
    LevelStaff,
    LocationAvailability,
    LocationCode,
    LocationCreate,
    LocationPublic,
    LocationStockStaff,
    MovementPublic,
    ReceiptCreate,
    ReconcileReportPublic,
    ReservationCreate,
    ReservationPublic,
    ReturnCreate,
    StockPublic,
    StockStaff,
)
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.events import utcnow
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Reserver = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.PARTNER)]
SkuPath = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/locations", response_model=list[LocationPublic])
async def list_locations(platform: PlatformDep, _: Anyone) -> list[LocationPublic]:
    """The warehouses (entrepôts) that hold stock."""
    async with platform.db.reads() as session:
        return [LocationPublic.model_validate(loc) for loc in await queries.locations(session)]


@router.post("/locations", status_code=201, response_model=LocationPublic)
async def create_location(platform: PlatformDep, body: LocationCreate, _: Staff) -> LocationPublic:
    location = await stock.create_location(platform, **body.model_dump())
    return LocationPublic.model_validate(location)


@router.get("/availability", response_model=list[StockPublic])
async def read_availability(
    platform: PlatformDep,
    _: Anyone,
    sku: Annotated[list[str], Query(min_length=1, max_length=100)],
) -> list[StockPublic]:
    """Available quantities of several SKUs at once (a product list); unknown SKUs are left
    out."""
    async with platform.db.reads() as session:
        found = await queries.availability(session, sku)
    return [_public(s, found[s]) for s in dict.fromkeys(sku) if s in found]


def _public(sku: str, by_location: dict[str, int]) -> StockPublic:
    total = sum(by_location.values())
    return StockPublic(
        sku=sku,
        available=total,
        in_stock=total > 0,
        locations=[
            LocationAvailability(warehouse_id=w, available=a) for w, a in by_location.items()
        ],
    )


@router.get("/stock", response_model=Page[LevelStaff])
async def list_stock(
    platform: PlatformDep,
    _: Staff,
    paging: Paging,
    warehouse_id: LocationCode | None = None,
    low: Annotated[bool, Query(description="Only levels at or below their threshold")] = False,
) -> Page[LevelStaff]:
    async with platform.db.reads() as session:
        rows, total = await queries.stock_levels(
            session, paging, config=inventory_settings(), warehouse_id=warehouse_id, low_only=low
        )
    return Page(
        items=[LevelStaff.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/stock/{sku}", response_model=StockStaff | StockPublic)
async def read_stock(
    platform: PlatformDep, sku: SkuPath, caller: Anyone
) -> StockStaff | StockPublic:
    """A SKU's stock: available quantity per location for anyone; on hand, reserved and the
    reorder figures for staff."""
    async with platform.db.reads() as session:
        view = await queries.stock_of(session, sku, now=utcnow(), config=inventory_settings())
    if caller is None or not caller.is_staff:
        return _public(sku, {level.warehouse_id: level.available for level in view.levels})
    return _staff(view)


def _staff(view: queries.StockView) -> StockStaff:
    return StockStaff(
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
    async with platform.db.reads() as session:
        rows, total = await queries.movements(
            session, sku, paging, warehouse_id=warehouse_id, reason=reason
        )
    return Page(
        items=[MovementPublic.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.patch("/items/{sku}", response_model=StockStaff)
async def update_item(
    platform: PlatformDep, sku: SkuPath, body: ItemSettingsUpdate, _: Staff
) -> StockStaff:
    """A SKU's low-stock threshold, safety stock, supplier lead time and supplier."""
    await stock.update_item_settings(platform, sku, body.model_dump(exclude_unset=True))
    async with platform.db.reads() as session:
        view = await queries.stock_of(session, sku, now=utcnow(), config=inventory_settings())
    return _staff(view)


def _movement(movement: Movement) -> MovementPublic:
    return MovementPublic.model_validate(movement)


@router.post("/receipts", status_code=201, response_model=MovementPublic)
async def receive(platform: PlatformDep, body: ReceiptCreate, caller: Staff) -> MovementPublic:
    """Goods received from a supplier (réception)."""
    return _movement(await stock.receive_stock(platform, **body.model_dump(), actor=caller.subject))


@router.post("/returns", status_code=201, response_model=MovementPublic)
async def take_back(platform: PlatformDep, body: ReturnCreate, caller: Staff) -> MovementPublic:
    """Goods a customer returned, back in stock (retour)."""
    return _movement(await stock.return_stock(platform, **body.model_dump(), actor=caller.subject))


@router.post("/adjustments", status_code=201, response_model=MovementPublic)
async def adjust(platform: PlatformDep, body: AdjustmentCreate, caller: Staff) -> MovementPublic:
    """A correction with its cause (ajustement): breakage, theft, a unit found."""
    return _movement(await stock.adjust_stock(platform, **body.model_dump(), actor=caller.subject))


@router.post("/counts", status_code=201, response_model=MovementPublic)
async def count(platform: PlatformDep, body: CountCreate, caller: Staff) -> MovementPublic:
    """A physical count (inventaire): on hand becomes the counted quantity."""
    return _movement(await stock.count_stock(platform, **body.model_dump(), actor=caller.subject))


@router.post("/reservations", status_code=201, response_model=ReservationPublic)
async def reserve(
    platform: PlatformDep, body: ReservationCreate, caller: Reserver
) -> ReservationPublic:
    """Hold stock for a reference until it is sold, released or expires; 409
    `insufficient_stock` (field `sku`) when there is not enough."""
    reservation = await reservations.create_reservation(
        platform, **body.model_dump(), caller=caller
    )
    return ReservationPublic.model_validate(reservation)


@router.get("/reservations", response_model=Page[ReservationPublic])
async def list_reservations(
    platform: PlatformDep,
    caller: Reserver,
    paging: Paging,
    reference: Annotated[str | None, Query(max_length=200)] = None,
    status: ReservationStatus | None = None,
) -> Page[ReservationPublic]:
    """Reservations, newest first; a partner sees only its own."""
    async with platform.db.reads() as session:
        rows, total = await queries.reservations(
            session,
            paging,
            reference=reference,
            status=status,
            created_by=None if caller.is_staff else caller.subject,
        )
    return Page(
        items=[ReservationPublic.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/reservations/{reservation_id}", response_model=ReservationPublic)
async def read_reservation(
    platform: PlatformDep, reservation_id: str, caller: Reserver
) -> ReservationPublic:
    async with platform.db.reads() as session:
        reservation = await queries.reservation(session, reservation_id)
    caller.ensure_owns(reservation.created_by, "reservation")
    return ReservationPublic.model_validate(reservation)


@router.post("/reservations/{reservation_id}/release", response_model=ReservationPublic)
async def release(
    platform: PlatformDep, reservation_id: str, caller: Reserver
) -> ReservationPublic:
    """Give the held stock back (order cancelled, cart abandoned)."""
    reservation = await reservations.release_reservation(platform, reservation_id, caller)
    return ReservationPublic.model_validate(reservation)


@router.post("/reservations/{reservation_id}/sale", response_model=ReservationPublic)
async def sell(platform: PlatformDep, reservation_id: str, caller: Reserver) -> ReservationPublic:
    """The goods were shipped: the reservation becomes a sale."""
    reservation = await reservations.sell_reservation(platform, reservation_id, caller)
    return ReservationPublic.model_validate(reservation)


@router.post("/expire", response_model=ExpiryReport)
async def expire(platform: PlatformDep, _: Staff) -> ExpiryReport:
    """Release every reservation whose hold lapsed (as `itvision inventory expire`)."""
    return ExpiryReport(expired=await expiry.expire_reservations(platform))


@router.post("/reconcile", response_model=ReconcileReportPublic)
async def run_reconcile(
    platform: PlatformDep,
    _: Staff,
    fix: Annotated[bool, Query(description="Repair the drifts found")] = False,
) -> ReconcileReportPublic:
    """Check reserved against open reservations and on hand against the ledger (as
    `itvision inventory reconcile`)."""
    report = await reconcile.reconcile(platform, fix=fix)
    repairs = {(r.drift.sku, r.drift.warehouse_id, r.drift.quantity): r for r in report.repairs}
    drifts = []
    for d in report.drifts:
        repair = repairs.get((d.sku, d.warehouse_id, d.quantity))
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
    return ReconcileReportPublic(
        levels_checked=report.levels_checked, drifts=drifts, reference=report.reference
    )
