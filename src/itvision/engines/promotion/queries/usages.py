"""Reading code usages: the counts the limits are checked against, a promotion's summary, and
the usages staff (or a customer, their own) list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.models import HOLDING, REDEEMED, RESERVED, Usage
from itvision.engines.promotion.rules.evaluation import UsageCount
from itvision.platform.pagination import Page, PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class UsageSummary:
    reserved: int = 0
    redeemed: int = 0
    discount_total: int = 0  # of the redeemed usages


async def list_usages(
    on: Runner,
    paging: PageParams,
    *,
    customer_id: str | None = None,
    promotion_id: str | None = None,
) -> Page[Usage]:
    query = select(Usage)
    if customer_id is not None:
        query = query.where(Usage.customer_id == customer_id)
    if promotion_id is not None:
        query = query.where(Usage.promotion_id == promotion_id)
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Usage.reserved_at.desc(), Usage.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        items = list(rows)
    return Page.of(items, total or 0, paging)


async def usage_counts(
    session: AsyncSession, promotion_ids: Iterable[str], customer_id: str | None
) -> dict[str, UsageCount]:
    ids = sorted(set(promotion_ids))
    if not ids:
        return {}
    holding = and_(Usage.promotion_id.in_(ids), Usage.status.in_(HOLDING))
    totals: dict[str, int] = {
        promotion_id: count
        for promotion_id, count in await session.execute(
            select(Usage.promotion_id, func.count()).where(holding).group_by(Usage.promotion_id)
        )
    }
    mine: dict[str, int] = {}
    if customer_id:
        mine = {
            promotion_id: count
            for promotion_id, count in await session.execute(
                select(Usage.promotion_id, func.count())
                .where(holding, Usage.customer_id == customer_id)
                .group_by(Usage.promotion_id)
            )
        }
    return {i: UsageCount(totals.get(i, 0), mine.get(i, 0)) for i in ids}


async def usage_summaries(
    session: AsyncSession, promotion_ids: Iterable[str]
) -> dict[str, UsageSummary]:
    ids = sorted(set(promotion_ids))
    found: dict[str, dict[str, tuple[int, int]]] = {}
    if ids:
        rows = await session.execute(
            select(
                Usage.promotion_id,
                Usage.status,
                func.count(),
                func.coalesce(func.sum(Usage.discount_amount), 0),
            )
            .where(Usage.promotion_id.in_(ids), Usage.status.in_(HOLDING))
            .group_by(Usage.promotion_id, Usage.status)
        )
        for promotion_id, status, count, amount in rows:
            found.setdefault(promotion_id, {})[status] = (int(count), int(amount))
    return {
        i: UsageSummary(
            found.get(i, {}).get(RESERVED, (0, 0))[0],
            found.get(i, {}).get(REDEEMED, (0, 0))[0],
            found.get(i, {}).get(REDEEMED, (0, 0))[1],
        )
        for i in ids
    }
