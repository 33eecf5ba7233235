"""Expiry: reservations whose hold lapsed give their stock back (an unpaid order's stock
comes back). `serve` and `worker` run it every minute (the job `inventory-expire`); by hand,
`itvision inventory expire` or `POST /api/inventory/expire`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from itvision.engines.inventory.models import Reservation
from itvision.engines.inventory.reservations import lock_reservation, release
from itvision.engines.inventory.stock import SOURCE
from itvision.platform.events import utcnow
from itvision.platform.system import Platform


async def expire_reservations(
    platform: Platform,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Release every active reservation whose hold lapsed (status `expired`); returns how
    many."""
    now = now or utcnow()
    async with platform.db.reads() as session:
        due = list(
            await session.scalars(
                select(Reservation.id)
                .where(Reservation.status == "active", Reservation.expires_at <= now)
                .order_by(Reservation.expires_at)
            )
        )
    expired = 0
    for done, reservation_id in enumerate(due, start=1):
        async with platform.uows(SOURCE) as uow:
            reservation = await lock_reservation(uow.session, reservation_id=reservation_id)
            # Checked again under the lock: it may have been paid or shipped meanwhile.
            if (
                reservation is not None
                and reservation.status == "active"
                and reservation.expires_at is not None
                and reservation.expires_at <= now
            ):
                await release(
                    uow,
                    reservation,
                    actor=SOURCE,
                    now=now,
                    status="expired",
                    note=f"expired unpaid at {reservation.expires_at:%Y-%m-%d %H:%M} UTC",
                )
                expired += 1
        if progress is not None:
            progress(done, len(due))
    return expired
