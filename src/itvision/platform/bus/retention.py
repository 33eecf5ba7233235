"""Inbox retention: an inbox row only has to outlive the window in which its event can be
delivered again (a relay or consumer crash, a rebalance), which is minutes. Rows older than
ITVISION_INBOX_RETENTION_DAYS are deleted every hour; a replay from further back forgets the
rows it needs to anyway (see operations.reset_group)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import delete

from itvision.platform.bus.tables import InboxEntry
from itvision.platform.db import rows_affected
from itvision.platform.events import utcnow

if TYPE_CHECKING:
    from itvision.platform.system import Platform

log = structlog.get_logger("itvision.retention")


async def prune_inbox(platform: Platform) -> int:
    """Delete inbox rows of events older than the retention; returns how many."""
    cutoff = utcnow() - timedelta(days=platform.settings.inbox_retention_days)
    async with platform.db.writes() as session, session.begin():
        result = await session.execute(delete(InboxEntry).where(InboxEntry.event_time < cutoff))
    pruned = rows_affected(result)
    if pruned:
        log.info("inbox pruned", rows=pruned, older_than=cutoff.isoformat())
    return pruned
