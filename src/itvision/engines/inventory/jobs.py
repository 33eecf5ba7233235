"""The inventory engine's periodic work, run by `serve` and `worker`."""

from itvision.engines.inventory.expiry import expire_reservations
from itvision.platform.jobs import PeriodicJob

JOBS = [PeriodicJob("inventory-expire", 60.0, expire_reservations)]
