"""The group-buy engine's periodic work, run by `serve` and `worker`: every 5 s, unpaid
participations past their time are dropped and groups at their deadline (or done waiting for
payments or refunds) take their next step (see `services.groups`)."""

from itvision.engines.groupbuy.commands import AdvanceGroups
from itvision.engines.groupbuy.services.groups import advance_groups
from itvision.platform.jobs import PeriodicJob
from itvision.platform.system import Platform


async def advance_due_groups(platform: Platform) -> int:
    return await advance_groups(platform, AdvanceGroups())


JOBS = [PeriodicJob("groupbuy-advance", 5.0, advance_due_groups)]
