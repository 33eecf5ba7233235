"""Gapless document numbers: `FAC-2026-000001`, `AV-2026-000001`, `DEV-2026-000001`.

The number is taken in the transaction that issues the document, by updating the counter row
of its series and year in that transaction (an INSERT … ON CONFLICT DO UPDATE … RETURNING: it
creates the year's row, or increments it, in one statement). On PostgreSQL the update locks
the row until the transaction ends, so a concurrent issuer waits and then reads the committed
value; on SQLite write transactions take turns. A transaction that rolls back gives its number
back with it: no gap, no duplicate."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.billing.models import DocumentSequence
from itvision.engines.billing.rules.numbering import Series, document_number
from itvision.platform.db import upsert_insert


class DocumentNumbers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def take(self, series: Series, year: int) -> str:
        """The next number of `series` in `year`, held until the transaction ends."""
        insert = upsert_insert(self.session)(DocumentSequence).values(
            series=series, year=year, last_number=1
        )
        taken = await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=[DocumentSequence.series, DocumentSequence.year],
                set_={"last_number": DocumentSequence.last_number + 1},
            ).returning(DocumentSequence.last_number)
        )
        return document_number(series, year, taken.scalar_one())
