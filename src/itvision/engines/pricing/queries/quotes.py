"""Quotes as they were given."""

from __future__ import annotations

from sqlalchemy import func, select

from itvision.engines.pricing.models import StoredQuote
from itvision.platform.uow import Runner, read_session


async def find_quote(on: Runner, quote_id: str) -> StoredQuote | None:
    async with read_session(on) as session:
        return await session.get(StoredQuote, quote_id)


async def quote_page(
    on: Runner, owner_subject: str | None, limit: int, offset: int
) -> tuple[list[StoredQuote], int]:
    """Newest first; a customer's own (`owner_subject`), or every quote when None."""
    query = select(StoredQuote)
    count = select(func.count()).select_from(StoredQuote)
    if owner_subject is not None:
        query = query.where(StoredQuote.owner_subject == owner_subject)
        count = count.where(StoredQuote.owner_subject == owner_subject)
    async with read_session(on) as session:
        rows = await session.scalars(
            query.order_by(StoredQuote.created_at.desc(), StoredQuote.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(await session.scalar(count) or 0)
