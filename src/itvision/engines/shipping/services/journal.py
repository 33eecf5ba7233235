"""What every status change of a shipment does inside its use case's unit of work: a row of
history, the shipment's new status, and `shipping.shipment.updated`."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from itvision.engines.shipping.events import ShipmentStatus, ShipmentUpdated
from itvision.engines.shipping.models import Shipment, StatusChange
from itvision.platform.uow import UnitOfWork


def record_status(
    uow: UnitOfWork,
    shipment: Shipment,
    status: ShipmentStatus,
    *,
    actor: str,
    at: datetime,
    note: str | None = None,
    location: str | None = None,
    reference: str | None = None,
    first: bool = False,
) -> None:
    """`first`: the shipment was just created, its status is the first it has."""
    previous = None if first else cast("ShipmentStatus", shipment.status)
    uow.session.add(
        StatusChange(
            shipment_id=shipment.id,
            status=status,
            previous_status=previous,
            note=note,
            location=location,
            changed_by=actor,
            reference=reference,
            changed_at=at,
        )
    )
    shipment.status = status
    shipment.updated_at = at
    uow.emit(
        ShipmentUpdated(
            shipment_id=shipment.id,
            order_id=shipment.order_id,
            customer_id=shipment.customer_id,
            status=status,
            previous_status=previous,
            note=note,
            location=location,
            changed_by=actor,
            changed_at=at,
        )
    )
