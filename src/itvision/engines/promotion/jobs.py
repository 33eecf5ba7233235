"""The promotion engine's periodic work, run by `serve` and `worker`."""

from itvision.engines.promotion.services.campaigns import announce_due_campaigns
from itvision.platform.jobs import PeriodicJob

JOBS = [PeriodicJob("promotion-tick", 60.0, announce_due_campaigns)]
