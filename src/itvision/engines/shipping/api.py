"""The shipping API, mounted at /api/shipping. Anyone reads zones and stores and asks what
delivery costs; staff shape zones, rates and stores and report shipment statuses; a customer
follows their own shipments; carriers report through a signed webhook."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from itvision.engines.shipping.commands import (
    AssignCarrier,
    CreateStore,
    CreateZone,
    ReplacePlaces,
    ReplaceRate,
    ReportStatus,
    UpdateStore,
    UpdateZone,
)
from itvision.engines.shipping.events import ShipmentStatus
from itvision.engines.shipping.queries import fees, network
from itvision.engines.shipping.queries import shipments as shipment_queries
from itvision.engines.shipping.rules import signatures
from itvision.engines.shipping.schemas import (
    CarrierAssign,
    CarrierReport,
    Code,
    Country,
    PlacesReplace,
    QuotePublic,
    QuoteRequest,
    RateReplace,
    ReportAnswer,
    ShipmentPublic,
    StatusUpdate,
    StoreCreate,
    StorePublic,
    StoreUpdate,
    ZoneCreate,
    ZonePublic,
    ZoneUpdate,
)
from itvision.engines.shipping.services import network as network_changes
from itvision.engines.shipping.services import shipments
from itvision.engines.shipping.settings import ShippingSettings
from itvision.platform.auth import Anyone, Principal, Role, Staff, require
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import NotFound
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging

router = APIRouter()

Follower = Annotated[Principal, require(Role.ADMIN, Role.STAFF, Role.CUSTOMER)]
ZoneCode = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,59}$")]
ShipmentId = Annotated[str, Path(min_length=1, max_length=40)]


# Zones and rates ------------------------------------------------------------------------------


@router.get("/zones", response_model=list[ZonePublic])
async def list_zones(
    platform: PlatformDep, caller: Anyone, country: Country | None = None
) -> list[ZonePublic]:
    """Delivery zones with the places they cover and their rates; inactive ones for staff."""
    staff = caller is not None and caller.is_staff
    found = await network.zones(platform, country=country, include_inactive=staff)
    return [ZonePublic.of(z) for z in found]


@router.get("/zones/{code}", response_model=ZonePublic)
async def read_zone(platform: PlatformDep, code: ZoneCode, caller: Anyone) -> ZonePublic:
    view = await network.zone(platform, code)
    if not view.zone.active and not (caller is not None and caller.is_staff):
        raise NotFound(f"zone {code} not found", field="code")
    return ZonePublic.of(view)


@router.post("/zones", status_code=201, response_model=ZonePublic)
async def create_zone(platform: PlatformDep, body: ZoneCreate, _: Staff) -> ZonePublic:
    """A new zone; each place it covers must not belong to another zone (409)."""
    command = CreateZone(
        code=body.code,
        name=body.name,
        country=body.country,
        estimated_days=body.estimated_days,
        free_from=body.free_from,
        places=tuple(p.command() for p in body.places),
        bands=tuple(b.command() for b in body.bands),
    )
    zone = await network_changes.create_zone(platform, command)
    return ZonePublic.of(await network.zone(platform, zone.code))


@router.patch("/zones/{code}", response_model=ZonePublic)
async def update_zone(
    platform: PlatformDep, code: ZoneCode, body: ZoneUpdate, _: Staff
) -> ZonePublic:
    """Rename, change the delay or the free-shipping threshold, (de)activate a zone."""
    command = UpdateZone(code=code, changed=frozenset(body.model_fields_set), **body.model_dump())
    await network_changes.update_zone(platform, command)
    return ZonePublic.of(await network.zone(platform, code))


@router.put("/zones/{code}/places", response_model=ZonePublic)
async def replace_places(
    platform: PlatformDep, code: ZoneCode, body: PlacesReplace, _: Staff
) -> ZonePublic:
    """The places the zone covers, all at once."""
    command = ReplacePlaces(code, tuple(p.command() for p in body.places))
    await network_changes.replace_places(platform, command)
    return ZonePublic.of(await network.zone(platform, code))


@router.put("/zones/{code}/rates", response_model=ZonePublic)
async def replace_rate(
    platform: PlatformDep, code: ZoneCode, body: RateReplace, _: Staff
) -> ZonePublic:
    """The zone's weight bands, all at once."""
    await network_changes.replace_rate(
        platform, ReplaceRate(code, tuple(b.command() for b in body.bands))
    )
    return ZonePublic.of(await network.zone(platform, code))


@router.post("/quotes", response_model=QuotePublic)
async def quote_fee(platform: PlatformDep, body: QuoteRequest, _: Anyone) -> QuotePublic:
    """What delivery costs for a cart: 404 (field `city`) when no zone serves the address, no
    store is in that city for a pickup, or the parcel is heavier than the zone carries."""
    found = await fees.quote(platform, **body.model_dump())
    if found is None:
        raise NotFound("no delivery zone serves this address for this parcel", field="city")
    return QuotePublic.of(found)


# Stores ---------------------------------------------------------------------------------------


@router.get("/stores", response_model=list[StorePublic])
async def list_stores(
    platform: PlatformDep, caller: Anyone, country: Country | None = None
) -> list[StorePublic]:
    """Stores where customers collect their orders; closed ones for staff."""
    staff = caller is not None and caller.is_staff
    found = await network.stores(platform, country=country, include_inactive=staff)
    return [StorePublic.model_validate(s) for s in found]


@router.post("/stores", status_code=201, response_model=StorePublic)
async def create_store(platform: PlatformDep, body: StoreCreate, _: Staff) -> StorePublic:
    store = await network_changes.create_store(platform, CreateStore(**body.model_dump()))
    return StorePublic.model_validate(store)


@router.patch("/stores/{code}", response_model=StorePublic)
async def update_store(
    platform: PlatformDep, code: ZoneCode, body: StoreUpdate, _: Staff
) -> StorePublic:
    command = UpdateStore(code=code, changed=frozenset(body.model_fields_set), **body.model_dump())
    return StorePublic.model_validate(await network_changes.update_store(platform, command))


# Shipments ------------------------------------------------------------------------------------


@router.get("/shipments", response_model=Page[ShipmentPublic])
async def list_shipments(
    platform: PlatformDep,
    caller: Follower,
    paging: Paging,
    order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    status: ShipmentStatus | None = None,
    carrier: Code | None = None,
) -> Page[ShipmentPublic]:
    """Shipments with their tracking history, newest first; a customer sees only their own."""
    rows, total = await shipment_queries.shipments(
        platform,
        paging,
        customer_id=None if caller.is_staff else caller.subject,
        order_id=order_id,
        status=status,
        carrier=carrier,
    )
    return Page.of([ShipmentPublic.of(r) for r in rows], total, paging)


@router.get("/shipments/{shipment_id}", response_model=ShipmentPublic)
async def read_shipment(
    platform: PlatformDep, shipment_id: ShipmentId, caller: Follower
) -> ShipmentPublic:
    """A shipment and its tracking history (suivi du colis)."""
    view = await shipment_queries.shipment(platform, shipment_id)
    caller.ensure_owns(view.shipment.customer_id, "shipment")
    return ShipmentPublic.of(view)


@router.patch("/shipments/{shipment_id}", response_model=ShipmentPublic)
async def assign_carrier(
    platform: PlatformDep, shipment_id: ShipmentId, body: CarrierAssign, caller: Staff
) -> ShipmentPublic:
    """Give a shipment that has not left to another carrier (409 once it has)."""
    command = AssignCarrier(shipment_id, body.carrier, body.tracking_number, caller.subject)
    await shipments.assign_carrier(platform, command)
    return ShipmentPublic.of(await shipment_queries.shipment(platform, shipment_id))


@router.post("/shipments/{shipment_id}/updates", response_model=ShipmentPublic)
async def report_status(
    platform: PlatformDep, shipment_id: ShipmentId, body: StatusUpdate, caller: Staff
) -> ShipmentPublic:
    """A status change: 409 `invalid_transition` with `current_status` and `allowed_statuses`
    when the shipment may not take it; 422 on `body.cash_collected` when a cash-on-delivery
    order is delivered without it."""
    command = ReportStatus(shipment_id=shipment_id, actor=caller.subject, **body.model_dump())
    await shipments.report_status(platform, command)
    return ShipmentPublic.of(await shipment_queries.shipment(platform, shipment_id))


# Carriers -------------------------------------------------------------------------------------


async def _signed_by_carrier(
    request: Request, platform: PlatformDep, carrier: Annotated[str, Path(max_length=60)]
) -> str:
    """The carrier whose shared secret signs the request's exact body (see
    `rules.signatures`); checked before the body is read as a report."""
    settings = platform.settings_of(ShippingSettings)
    secret = settings.carrier_secrets.get(carrier)
    if secret is None:
        raise NotFound(f"no carrier {carrier} takes reports here", field="carrier")
    signatures.verify(
        secret.get_secret_value(),
        request.headers.get(signatures.HEADER),
        await request.body(),
        now=time.time(),
        tolerance=settings.webhook_tolerance_seconds,
    )
    return carrier


@router.post(
    "/webhooks/{carrier}",
    response_model=ReportAnswer,
    responses=may_answer(401, 404, 409),
)
async def carrier_webhook(
    platform: PlatformDep,
    body: CarrierReport,
    _: Anyone,
    carrier: Annotated[str, Depends(_signed_by_carrier)],
) -> ReportAnswer:
    """A carrier reports a parcel's status, signed with its shared secret in
    `X-Carrier-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of t + body>`. A forged, unsigned
    or replayed (older than 5 minutes) report is refused (401) and changes nothing; the same
    report twice (same `event_id`, else same status and time) has one effect."""
    reference = body.event_id or f"{body.status}@{body.occurred_at.isoformat()}"
    fields = body.model_dump(exclude={"event_id", "tracking_number"})
    command = ReportStatus(
        carrier=carrier,
        tracking_number=body.tracking_number,
        reference=reference,
        actor=carrier,
        **fields,
    )
    report = await shipments.report_status(platform, command)
    return ReportAnswer(
        shipment_id=report.shipment.id,
        status=report.shipment.status,
        duplicate=report.duplicate,
    )
