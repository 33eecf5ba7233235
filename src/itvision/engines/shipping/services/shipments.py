"""Shipments: one per confirmed order, then the statuses staff and carriers report.

- `create_shipment` (order confirmed): needs the placed order (else NotYet: on Kafka the
  confirmation can come first); none for a cancelled order; one per order, so a second
  confirmation finds it. Home delivery goes with the default carrier, a pickup to the store of
  the customer's city (else the country's first store). → created + updated(created).
- `report_status`: the state machine (`rules.shipments`) guards each change; a carrier's report
  already recorded (same reference) changes nothing. → updated, plus dispatched (picked_up) and
  delivered (with the cash collected for cash on delivery).
- `assign_carrier`: before it leaves, a shipment may go to another carrier.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import select
from uuid6 import uuid7

from itvision.engines.shipping.commands import AssignCarrier, CreateShipment, ReportStatus
from itvision.engines.shipping.events import (
    SOURCE,
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentDispatched,
)
from itvision.engines.shipping.models import KnownOrder, Shipment, StatusChange, Store, Zone
from itvision.engines.shipping.queries import network
from itvision.engines.shipping.rules import shipments as rules
from itvision.engines.shipping.rules.zones import fold
from itvision.engines.shipping.services.journal import record_status
from itvision.engines.shipping.settings import ShippingSettings
from itvision.platform.errors import Conflict, NotFound, NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

log = structlog.get_logger("itvision.shipping")

PICKUP_CARRIER = "store"
"""The carrier of a pickup shipment: the store hands it over."""
# Letters and digits a person reads back over the phone without confusion (no 0/O, 1/I).
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class StatusReport:
    shipment: Shipment
    duplicate: bool
    """True when the very same report was recorded before: nothing changed."""


async def create_shipment(on: Runner, command: CreateShipment) -> Shipment | None:
    async with unit_of_work(on, SOURCE) as uow:
        existing = await uow.session.scalar(
            select(Shipment).where(Shipment.order_id == command.order_id)
        )
        if existing is not None:
            return existing
        order = await uow.session.get(KnownOrder, command.order_id)
        if order is not None and order.cancelled_at is not None:
            return None
        if order is None or order.placed_at is None or order.customer_id is None:
            raise NotYet(f"order {command.order_id} was not placed yet", field="order_id")
        now = utcnow()
        shipment = Shipment(
            id=str(uuid7()),
            order_id=order.order_id,
            customer_id=order.customer_id,
            delivery_method=order.delivery_method or "home_delivery",
            status="created",
            tracking_number=_tracking_number(),
            recipient_name=order.recipient_name,
            phone=order.phone,
            country=order.country or "SN",
            city=order.city or "",
            area=order.area,
            address_line=order.address_line,
            shipping_fee=order.shipping_fee or 0,
            cash_due=order.total if order.payment_method == "cash_on_delivery" else None,
            created_at=now,
            updated_at=now,
        )
        if shipment.delivery_method == "pickup":
            store = await _pickup_store(uow, shipment.country, shipment.city)
            shipment.carrier = PICKUP_CARRIER
            days = store.ready_in_days if store else 1
            if store is not None:
                shipment.store_code = store.code
                shipment.country, shipment.city, shipment.area = (
                    store.country,
                    store.city,
                    store.area,
                )
        else:
            shipment.carrier = uow.settings_of(ShippingSettings).default_carrier
            zone = await _zone_of(uow, shipment)
            shipment.zone = zone.code if zone else None
            days = zone.estimated_days if zone else 1
        shipment.estimated_delivery_at = now + timedelta(days=days)
        uow.session.add(shipment)
        uow.emit(
            ShipmentCreated(
                shipment_id=shipment.id,
                order_id=shipment.order_id,
                customer_id=shipment.customer_id,
                delivery_method=shipment.delivery_method,
                city=shipment.city,
                area=shipment.area,
                country=shipment.country,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                zone=shipment.zone,
                store_code=shipment.store_code,
                shipping_fee=shipment.shipping_fee,
                estimated_delivery_at=shipment.estimated_delivery_at,
                created_at=now,
            )
        )
        await uow.session.flush()  # its history row refers to it
        record_status(uow, shipment, "created", actor=command.actor, at=now, first=True)
        return shipment


async def report_status(on: Runner, command: ReportStatus) -> StatusReport:
    async with unit_of_work(on, SOURCE) as uow:
        shipment = await _reported(uow, command)
        if command.reference is not None:
            seen = await uow.session.scalar(
                select(StatusChange.id).where(
                    StatusChange.shipment_id == shipment.id,
                    StatusChange.reference == command.reference,
                )
            )
            if seen is not None:
                return StatusReport(shipment, duplicate=True)
        current = shipment.status
        rules.check_transition(current, command.status)  # type: ignore[arg-type]
        cash = rules.cash_on_delivery(command.status, shipment.cash_due, command.cash_collected)
        at = command.occurred_at or utcnow()
        note = command.note
        if cash.discrepancy:
            log.warning(
                "cash collected differs from the amount due",
                shipment_id=shipment.id,
                order_id=shipment.order_id,
                due=cash.due,
                collected=cash.collected,
            )
            note = f"{note} — {cash.discrepancy}" if note else cash.discrepancy
        record_status(
            uow,
            shipment,
            command.status,
            actor=command.actor,
            at=at,
            note=note,
            location=command.location,
            reference=command.reference,
        )
        if command.status == "picked_up":
            uow.emit(
                ShipmentDispatched(
                    shipment_id=shipment.id,
                    order_id=shipment.order_id,
                    customer_id=shipment.customer_id,
                    carrier=shipment.carrier,
                    tracking_number=shipment.tracking_number,
                    courier_phone=command.courier_phone,
                    estimated_delivery_at=shipment.estimated_delivery_at,
                    dispatched_at=at,
                )
            )
        elif command.status == "delivered":
            shipment.cash_collected = cash.collected
            uow.emit(
                ShipmentDelivered(
                    shipment_id=shipment.id,
                    order_id=shipment.order_id,
                    customer_id=shipment.customer_id,
                    received_by=command.received_by,
                    proof=command.proof,
                    cash_collected=cash.collected,
                    cash_due=cash.due,
                    delivered_at=at,
                )
            )
        return StatusReport(shipment, duplicate=False)


async def assign_carrier(on: Runner, command: AssignCarrier) -> Shipment:
    async with unit_of_work(on, SOURCE) as uow:
        shipment = await _locked(uow, command.shipment_id)
        if shipment.status != "created":
            raise Conflict(
                f"a {shipment.status} shipment has left: its carrier stays", field="carrier"
            )
        tracking = command.tracking_number or shipment.tracking_number
        if tracking != shipment.tracking_number:
            taken = await uow.session.scalar(
                select(Shipment.id).where(Shipment.tracking_number == tracking)
            )
            if taken is not None:
                raise Conflict("another shipment has this tracking number", field="tracking_number")
        shipment.carrier = command.carrier
        shipment.tracking_number = tracking
        shipment.updated_at = utcnow()
        return shipment


async def _reported(uow: UnitOfWork, command: ReportStatus) -> Shipment:
    if command.shipment_id is not None:
        return await _locked(uow, command.shipment_id)
    shipment = await uow.session.scalar(
        select(Shipment)
        .where(Shipment.tracking_number == command.tracking_number)
        .with_for_update()
    )
    # Another carrier's parcel answers like a missing one: a carrier learns nothing of others.
    if shipment is None or shipment.carrier != command.carrier:
        raise NotFound("no shipment with this tracking number", field="tracking_number")
    return shipment


async def _locked(uow: UnitOfWork, shipment_id: str) -> Shipment:
    shipment = await uow.session.get(Shipment, shipment_id, with_for_update=True)
    if shipment is None:
        raise NotFound("shipment not found", field="shipment_id")
    return shipment


async def _pickup_store(uow: UnitOfWork, country: str, city: str) -> Store | None:
    found = await network.pickup_store(uow, country, fold(city))
    if found is None:
        stores = await network.stores(uow, country=country, include_inactive=False)
        found = stores[0] if stores else None
    return found


async def _zone_of(uow: UnitOfWork, shipment: Shipment) -> Zone | None:
    return await network.zone_serving(uow, shipment.country, shipment.city, shipment.area)


def _tracking_number() -> str:
    return "ITV" + "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(10))
