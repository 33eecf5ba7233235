"""Staff's use cases on promotions — create, edit, activate, deactivate, read — and `tick`, which
announces the campaigns whose start or end time has passed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion import store
from itvision.engines.promotion.announcements import announce_change
from itvision.engines.promotion.lifecycle import is_live
from itvision.engines.promotion.models import Promotion
from itvision.engines.promotion.offers import Offer, check_offer, normalize_code
from itvision.platform.errors import Conflict
from itvision.platform.events import new_event_id, utcnow
from itvision.platform.pagination import Page, PageParams
from itvision.platform.system import Platform

SOURCE = "promotion-engine"


@dataclass(frozen=True, slots=True)
class PromotionRecord:
    """A promotion as staff read it: its definition, its usages and whether it is live."""

    offer: Offer
    description: str | None
    usage: store.UsageSummary
    live: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


async def create_promotion(
    platform: Platform, fields: Mapping[str, Any], *, by: str, now: datetime | None = None
) -> PromotionRecord:
    """`fields` are `Offer` fields (without `id`) and `description`; `starts_at` defaults to
    now. Emits `promotion.campaign.started` if the promotion is live at once."""
    now = now or utcnow()
    definition = dict(fields)
    description = definition.pop("description", None)
    definition.setdefault("starts_at", now)
    offer = _normalized(Offer(id=str(new_event_id()), **definition))
    check_offer(offer)
    async with platform.uows(SOURCE) as uow:
        await _ensure_code_is_free(uow.session, offer)
        row = Promotion(
            id=offer.id,
            description=description,
            announced_live=False,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        store.write_offer(row, offer)
        uow.session.add(row)
        await _flush(uow.session, offer)
        await announce_change(uow, row, now)
        return await _record(uow.session, row, now)


async def update_promotion(
    platform: Platform, promotion_id: str, changes: Mapping[str, Any], now: datetime | None = None
) -> PromotionRecord:
    """Change some fields (None clears an optional one); the result is checked as a whole."""
    now = now or utcnow()
    definition = dict(changes)
    async with platform.uows(SOURCE) as uow:
        row = await store.get_promotion(uow.session, promotion_id, for_update=True)
        if "description" in definition:
            row.description = definition.pop("description")
        offer = _normalized(replace(store.offer_of(row), **definition))
        check_offer(offer)
        await _ensure_code_is_free(uow.session, offer)
        store.write_offer(row, offer)
        row.updated_at = now
        await _flush(uow.session, offer)
        await announce_change(uow, row, now)
        return await _record(uow.session, row, now)


async def set_active(
    platform: Platform, promotion_id: str, active: bool, now: datetime | None = None
) -> PromotionRecord:
    return await update_promotion(platform, promotion_id, {"active": active}, now)


async def get_promotion(
    platform: Platform, promotion_id: str, now: datetime | None = None
) -> PromotionRecord:
    async with platform.db.reads() as session:
        row = await store.get_promotion(session, promotion_id)
        return await _record(session, row, now or utcnow())


async def list_promotions(
    platform: Platform,
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
    async with platform.db.reads() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(Promotion.created_at.desc(), Promotion.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        )
        items = await _records(session, list(rows), now or utcnow())
    return Page(items=items, total=total or 0, limit=paging.limit, offset=paging.offset)


async def running_sales(platform: Platform, now: datetime | None = None) -> list[Offer]:
    """Automatic sales running now (no code), for the storefront to show."""
    now = now or utcnow()
    async with platform.db.reads() as session:
        offers = await store.offers_for(session, (), now)
        summaries = await store.usage_summaries(session, [o.id for o in offers])
    return sorted(
        (o for o in offers if is_live(o, now, summaries[o.id].redeemed)),
        key=lambda o: o.redemption_order,
    )


@dataclass(frozen=True, slots=True)
class TickReport:
    started: list[str]
    ended: list[str]


async def tick(platform: Platform, now: datetime | None = None) -> TickReport:
    """Announce every promotion whose live state changed with time: `started` for those whose
    start passed, `ended` for those whose end passed. `serve` and `worker` run it every minute
    (see `jobs`); by hand, `itvision promotion tick`. Running it twice announces nothing twice."""
    now = now or utcnow()
    report = TickReport([], [])
    in_dates = and_(
        Promotion.active.is_(True),
        Promotion.starts_at <= now,
        or_(Promotion.ends_at.is_(None), Promotion.ends_at > now),
    )
    due = or_(
        and_(Promotion.announced_live.is_(True), ~in_dates),
        and_(Promotion.announced_live.is_(False), in_dates),
    )
    async with platform.uows(SOURCE) as uow:
        rows = await uow.session.scalars(
            select(Promotion).where(due).order_by(Promotion.id).with_for_update()
        )
        for row in list(rows):
            change = await announce_change(uow, row, now)
            if change == "started":
                report.started.append(row.id)
            elif change == "ended":
                report.ended.append(row.id)
    return report


def _normalized(offer: Offer) -> Offer:
    return replace(offer, code=normalize_code(offer.code)) if offer.code else offer


async def _ensure_code_is_free(session: AsyncSession, offer: Offer) -> None:
    if offer.code is None:
        return
    taken = await session.scalar(
        select(Promotion.id).where(Promotion.code == offer.code, Promotion.id != offer.id)
    )
    if taken is not None:
        raise Conflict(f"code {offer.code!r} is already used by another promotion", field="code")


async def _flush(session: AsyncSession, offer: Offer) -> None:
    # Two staff members creating the same code at once: the unique index decides.
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            f"code {offer.code!r} is already used by another promotion", field="code"
        ) from None


async def _record(session: AsyncSession, row: Promotion, now: datetime) -> PromotionRecord:
    return (await _records(session, [row], now))[0]


async def _records(
    session: AsyncSession, rows: list[Promotion], now: datetime
) -> list[PromotionRecord]:
    summaries = await store.usage_summaries(session, [r.id for r in rows])
    records = []
    for row in rows:
        offer = store.offer_of(row)
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
