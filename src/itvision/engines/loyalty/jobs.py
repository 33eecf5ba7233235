"""The loyalty engine's periodic work, run by `serve` and `worker`: points expiry and its
warnings every hour, the yearly tier review of the members due, daily."""

from itvision.engines.loyalty.commands import ExpirePoints, ReviewTiers
from itvision.engines.loyalty.services.expiry import expire_points
from itvision.engines.loyalty.services.tiers import review_tiers
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform


async def expire_due_points(platform: Platform) -> int:
    return await expire_points(platform, ExpirePoints())


async def review_due_tiers(platform: Platform) -> int:
    return await review_tiers(platform, ReviewTiers())


JOBS = [
    PeriodicJob("loyalty-expiry", 3_600.0, expire_due_points),
    PeriodicJob("loyalty-review", 86_400.0, review_due_tiers),
]
