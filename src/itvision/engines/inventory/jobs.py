"""The inventory engine's periodic work, run by `serve` and `worker`."""

from itvision.engines.inventory.commands import ExpireReservations
from itvision.engines.inventory.services.reservations import expire_reservations
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform


async def expire_lapsed_reservations(platform: Platform) -> int:
    return await expire_reservations(platform, ExpireReservations())


JOBS = [PeriodicJob("inventory-expire", 60.0, expire_lapsed_reservations)]
"""Expiry: reservations whose hold lapsed give their stock back (an unpaid order's stock
comes back). `serve` and `worker` run it every minute (the job `inventory-expire`); by hand,
`itvision inventory expire` or `POST /api/inventory/expire`."""
