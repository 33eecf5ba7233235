"""The notification engine's periodic work, run by `serve` and `worker`: the sender. Within
each run (a few seconds, under the job's lease) it sends what is due, applies the provider
statuses that came before their message's id was recorded, then waits for the next
`notification.message.queued` commit (this process's, or another's through PostgreSQL
NOTIFY) instead of a tick, so a message leaves right after the event that caused it. A stop
ends the run at once."""

import time

from itvision.engines.notification.commands import ApplyParkedStatuses, SendDueMessages
from itvision.engines.notification.services.sending import send_due_messages
from itvision.engines.notification.services.statuses import apply_parked_statuses
from itvision.platform.jobs import PeriodicJob
from itvision.platform.stopping import wait_or_stop
from itvision.platform.system import Platform

RUN_SECONDS = 3.0
QUEUED = ("notification.message.queued",)


async def send_messages(platform: Platform) -> int:
    tried = 0
    until = time.monotonic() + RUN_SECONDS
    while (left := until - time.monotonic()) > 0 and not platform.stopping.is_set():
        seen = platform.notifier.generation
        sent = await send_due_messages(platform, SendDueMessages())
        tried += sent
        await apply_parked_statuses(platform, ApplyParkedStatuses())
        if not sent:
            waiting = platform.notifier.wait(seen, min(left, 1.0), QUEUED)
            await wait_or_stop(platform.stopping, waiting)
    return tried


JOBS = [PeriodicJob("notification-send", 0.05, send_messages)]
