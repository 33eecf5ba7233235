"""Quotes with their status (open, accepted, expired: `rules.states.quote_status`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from itvision.engines.billing.models import Quote
from itvision.engines.billing.rules.states import QuoteStatus, quote_status
from itvision.platform.errors import NotFound
from itvision.platform.pagination import PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote: Quote
    status: QuoteStatus


def _status_is(status: QuoteStatus, now: datetime) -> ColumnElement[bool]:
    if status == "accepted":
        return Quote.accepted_at.is_not(None)
    if status == "expired":
        return and_(Quote.accepted_at.is_(None), Quote.valid_until < now)
    return and_(Quote.accepted_at.is_(None), Quote.valid_until >= now)


def view_of(quote: Quote, now: datetime) -> QuoteView:
    return QuoteView(quote, quote_status(quote.valid_until, quote.accepted_at, now))


async def quotes(
    on: Runner,
    paging: PageParams,
    now: datetime,
    *,
    customer_id: str | None = None,
    status: QuoteStatus | None = None,
) -> tuple[list[QuoteView], int]:
    """A page of quotes, newest first, and how many match."""
    conditions: list[ColumnElement[bool]] = []
    if customer_id is not None:
        conditions.append(Quote.customer_id == customer_id)
    if status is not None:
        conditions.append(_status_is(status, now))
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(Quote).where(*conditions))
        rows = await session.scalars(
            select(Quote)
            .where(*conditions)
            .order_by(Quote.created_at.desc(), Quote.number.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        return [view_of(q, now) for q in rows], total or 0


async def quote(on: Runner, quote_id: str, now: datetime) -> QuoteView:
    async with read_session(on) as session:
        found = await session.get(Quote, quote_id)
    if found is None:
        raise NotFound("quote not found", field="quote_id")
    return view_of(found, now)


async def quote_by_number(on: Runner, number: str, now: datetime) -> QuoteView | None:
    async with read_session(on) as session:
        found = await session.scalar(select(Quote).where(Quote.number == number))
    return None if found is None else view_of(found, now)


async def quote_number(on: Runner, quote_id: str) -> str | None:
    async with read_session(on) as session:
        number: str | None = await session.scalar(select(Quote.number).where(Quote.id == quote_id))
        return number
