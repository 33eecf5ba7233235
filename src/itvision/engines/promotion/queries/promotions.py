"""Reading promotions: as staff read them (definition, usages, live or not), the automatic sales
running now, and the offers a cart is evaluated against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.models import Promotion
from itvision.engines.promotion.queries.usages import UsageSummary, usage_summaries
from itvision.engines.promotion.rules.lifecycle import is_live
from itvision.engines.promotion.rules.offers import Offer, normalize_code
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.pagination import Page, PageParams
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class PromotionRecord:
    """A promotion as staff read it: its definition, its usages and whether it is live."""

    offer: Offer
    description: str | None
    usage: UsageSummary
    live: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


async def get_promotion(
    on: Runner, promotion_id: str, *, now: datetime | None = None
) -> PromotionRecord:
    async with read_session(on) as session:
        row = await promotion_row(session, promotion_id)
        (record,) = await records_of(session, [row], now or utcnow())
        return record


async def list_promotions(
    on: Runner,
    paging: PageParams,
    *,
    active: bool | None = None,
    code: str | None = None,
    now: datetime | None = None,
) -> Page[PromotionRecord]:
    query = select(Promotion)
    if active is not None:
        query = query.where(Promotion.active.is_(active))
    if code:
        query = query.where(Promotion.code == normalize_code(code))
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Promotion.created_at.desc(), Promotion.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        items = await records_of(session, list(rows), now or utcnow())
    return Page.of(items, total or 0, paging)


async def running_sales(on: Runner, *, now: datetime | None = None) -> list[Offer]:
    """Automatic sales running now (no code), for the storefront to show."""
    now = now or utcnow()
    async with read_session(on) as session:
        offers = await offers_for(session, (), now)
        summaries = await usage_summaries(session, [o.id for o in offers])
    return sorted(
        (o for o in offers if is_live(o, now, summaries[o.id].redeemed)),
        key=lambda o: o.redemption_order,
    )


async def promotion_row(
    session: AsyncSession, promotion_id: str, *, for_update: bool = False
) -> Promotion:
    row = await session.get(Promotion, promotion_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"promotion {promotion_id!r} not found", field="promotion_id")
    return row


async def records_of(
    session: AsyncSession, rows: list[Promotion], now: datetime
) -> list[PromotionRecord]:
    summaries = await usage_summaries(session, [r.id for r in rows])
    records = []
    for row in rows:
        offer = row.offer()
        usage = summaries[row.id]
        records.append(
            PromotionRecord(
                offer=offer,
                description=row.description,
                usage=usage,
                live=is_live(offer, now, usage.redeemed),
                created_by=row.created_by,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return records


def _applicable_at(at: datetime) -> Select[Promotion]:
    """Automatic sales running at `at` (inactive or out-of-date ones never apply)."""
    return select(Promotion).where(
        Promotion.code.is_(None),
        Promotion.active.is_(True),
        Promotion.starts_at <= at,
        or_(Promotion.ends_at.is_(None), Promotion.ends_at > at),
    )


async def offers_for(
    session: AsyncSession, codes: Iterable[str], at: datetime, *, lock_codes: bool = False
) -> list[Offer]:
    """The automatic sales running at `at` and the promotions of the typed codes (whatever
    their state: the evaluation says why a code does not apply). With `lock_codes`, the
    codes' rows stay locked until commit, so limits are checked one order at a time."""
    wanted = sorted({normalize_code(c) for c in codes if c.strip()})
    rows = list(await session.scalars(_applicable_at(at)))
    if wanted:
        by_code = select(Promotion).where(Promotion.code.in_(wanted)).order_by(Promotion.id)
        if lock_codes:
            by_code = by_code.with_for_update()
        rows.extend(await session.scalars(by_code))
    return [r.offer() for r in rows]
