"""Reading and writing promotions and their usages: rows ↔ the rules' `Offer`, and the usage
counts the limits are checked against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.promotion.evaluation import UsageCount
from itvision.engines.promotion.models import Promotion, Usage
from itvision.engines.promotion.offers import BundleItem, Kind, Offer, normalize_code
from itvision.platform.errors import NotFound

RESERVED, REDEEMED, RELEASED = "reserved", "redeemed", "released"
HOLDING = (RESERVED, REDEEMED)  # usages that count against the limits


def offer_of(row: Promotion) -> Offer:
    return Offer(
        id=row.id,
        name=row.name,
        kind=Kind(row.kind),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        code=row.code,
        active=row.active,
        discount_rate=row.discount_rate,
        discount_amount=row.discount_amount,
        max_discount_amount=row.max_discount_amount,
        min_order_amount=row.min_order_amount,
        min_quantity=row.min_quantity,
        product_ids=frozenset(row.product_ids or ()),
        category_ids=frozenset(row.category_ids or ()),
        brands=frozenset(row.brands or ()),
        bundle_items=tuple(
            BundleItem(i["product_id"], int(i["quantity"])) for i in row.bundle_items or ()
        ),
        bundle_price=row.bundle_price,
        buy_quantity=row.buy_quantity,
        get_quantity=row.get_quantity,
        usage_limit=row.usage_limit,
        usage_limit_per_customer=row.usage_limit_per_customer,
        exclusive=row.exclusive,
        priority=row.priority,
    )


def write_offer(row: Promotion, offer: Offer) -> None:
    """Copy the definition into the row (lists sorted so that a row reads the same each time)."""
    row.name = offer.name
    row.kind = offer.kind.value
    row.code = offer.code
    row.starts_at = offer.starts_at
    row.ends_at = offer.ends_at
    row.active = offer.active
    row.discount_rate = offer.discount_rate
    row.discount_amount = offer.discount_amount
    row.max_discount_amount = offer.max_discount_amount
    row.min_order_amount = offer.min_order_amount
    row.min_quantity = offer.min_quantity
    row.product_ids = sorted(offer.product_ids)
    row.category_ids = sorted(offer.category_ids)
    row.brands = sorted(offer.brands)
    row.bundle_items = [
        {"product_id": i.product_id, "quantity": i.quantity} for i in offer.bundle_items
    ]
    row.bundle_price = offer.bundle_price
    row.buy_quantity = offer.buy_quantity
    row.get_quantity = offer.get_quantity
    row.usage_limit = offer.usage_limit
    row.usage_limit_per_customer = offer.usage_limit_per_customer
    row.exclusive = offer.exclusive
    row.priority = offer.priority


async def get_promotion(
    session: AsyncSession, promotion_id: str, *, for_update: bool = False
) -> Promotion:
    row = await session.get(Promotion, promotion_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"promotion {promotion_id!r} not found", field="promotion_id")
    return row


def _applicable_at(at: datetime) -> Select[tuple[Promotion]]:
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
    return [offer_of(r) for r in rows]


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


@dataclass(frozen=True, slots=True)
class UsageSummary:
    reserved: int = 0
    redeemed: int = 0
    discount_total: int = 0  # of the redeemed usages


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
