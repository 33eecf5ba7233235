"""The promotion engine's periodic work, run by `serve` and `worker`."""

from itvision.engines.promotion.campaigns import tick
from itvision.platform.jobs import PeriodicJob

JOBS = [PeriodicJob("promotion-tick", 60.0, tick)]
