"""Reads of shipments and their status history (tracking)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from itvision.engines.shipping.models import Shipment, StatusChange
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class ShipmentView:
    shipment: Shipment
    history: list[StatusChange]


async def shipment(on: Runner, shipment_id: str) -> ShipmentView:
    async with read_session(on) as session:
        found = await session.get(Shipment, shipment_id)
        if found is None:
            raise NotFound("shipment not found", field="shipment_id")
        history = await session.scalars(
            select(StatusChange)
            .where(StatusChange.shipment_id == shipment_id)
            .order_by(StatusChange.id)
        )
        return ShipmentView(found, list(history))


async def shipments(
    on: Runner,
    paging: PageParams,
    *,
    customer_id: str | None = None,
    order_id: str | None = None,
    status: str | None = None,
    carrier: str | None = None,
) -> tuple[list[ShipmentView], int]:
    """Shipments with their history, newest first."""
    query = select(Shipment)
    if customer_id is not None:
        query = query.where(Shipment.customer_id == customer_id)
    if order_id is not None:
        query = query.where(Shipment.order_id == order_id)
    if status is not None:
        query = query.where(Shipment.status == status)
    if carrier is not None:
        query = query.where(Shipment.carrier == carrier)
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Shipment.created_at.desc(), Shipment.id)
            .limit(paging.limit)
            .offset(paging.offset)
        )
        found = list(rows)
        history: dict[str, list[StatusChange]] = {s.id: [] for s in found}
        if found:
            for change in await session.scalars(
                select(StatusChange)
                .where(StatusChange.shipment_id.in_(history))
                .order_by(StatusChange.id)
            ):
                history[change.shipment_id].append(change)
        return [ShipmentView(s, history[s.id]) for s in found], total or 0
