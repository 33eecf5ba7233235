"""Prices: now (computed from the settings in force, by the same function that records the
history), at a past moment (the last price recorded at or before then), and the history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.models import PricedItem, PriceRecord
from itvision.engines.pricing.queries.items import load_item, load_item_page
from itvision.engines.pricing.queries.settings import SettingsSnapshot, load_settings
from itvision.engines.pricing.rules.formula import ComponentRates, UnitPrice, recorded_unit_price
from itvision.engines.pricing.rules.formula import unit_price as compute_unit_price
from itvision.engines.pricing.rules.scopes import chain, resolve
from itvision.engines.pricing.rules.tiers import Tier, tier_for
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class PriceView:
    """A SKU's unit price for a quantity, how it was made, and its tier prices."""

    item: PricedItem
    quantity: int
    price: UnitPrice
    as_of: datetime
    sources: dict[str, str] = field(default_factory=dict)
    tier_id: str | None = None
    tiers: list[tuple[Tier, UnitPrice]] = field(default_factory=list)


async def price_page(
    on: Runner, *, include_inactive: bool, category_id: str | None, limit: int, offset: int
) -> tuple[list[PriceView], int]:
    """One-unit prices now of a page of SKUs (see `load_item_page`), and how many there are."""
    async with read_session(on) as session:
        items, total = await load_item_page(
            session,
            include_inactive=include_inactive,
            category_id=category_id,
            limit=limit,
            offset=offset,
        )
        return await current_prices(session, items), total


async def find_price(
    on: Runner,
    sku: str,
    *,
    include_inactive: bool,
    quantity: int = 1,
    at: datetime | None = None,
) -> PriceView | None:
    """The unit price of `quantity` units now, or of one unit at `at`. None: no such SKU (or
    not active, unless `include_inactive`); NotFound naming `at` if it had no price then."""
    async with read_session(on) as session:
        item = await load_item(session, sku, include_inactive=include_inactive)
        if item is None:
            return None
        if at is None:
            [view] = await current_prices(session, [item], quantity)
            return view
        found = await price_then(session, item, at)
    if found is None:
        raise NotFound(f"SKU {sku} had no price at {at.isoformat()}", field="at")
    return found


async def recorded_prices(on: Runner, skus: Collection[str], at: datetime) -> list[PriceView]:
    """Each of `skus` (any status) at the price recorded for it last at or before `at`;
    those without one then are left out. One statement: a cart reads all its lines at once."""
    if not skus:
        return []
    latest = (
        select(PriceRecord.id)
        .where(PriceRecord.sku == PricedItem.sku, PriceRecord.valid_from <= at)
        .order_by(PriceRecord.valid_from.desc(), PriceRecord.id.desc())
        .limit(1)
        .correlate(PricedItem)
        .scalar_subquery()
    )
    query = (
        select(PricedItem, PriceRecord)
        .join(PriceRecord, PriceRecord.id == latest)
        .where(PricedItem.sku.in_(sorted(set(skus))))
    )
    async with read_session(on) as session:
        rows = (await session.execute(query)).all()
    return [PriceView(item=item, quantity=1, price=recorded(r), as_of=at) for item, r in rows]


async def price_history(
    on: Runner, sku: str, limit: int, offset: int
) -> tuple[list[PriceRecord], int]:
    """Newest first."""
    async with read_session(on) as session:
        total = await session.scalar(select(func.count()).where(PriceRecord.sku == sku))
        rows = await session.scalars(
            select(PriceRecord)
            .where(PriceRecord.sku == sku)
            .order_by(PriceRecord.valid_from.desc(), PriceRecord.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)


async def current_prices(
    session: AsyncSession, items: Sequence[PricedItem], quantity: int = 1
) -> list[PriceView]:
    scopes = {s for item in items for s in chain(item.product_id, item.category_path)}
    snapshot = await load_settings(session, scopes)
    now = utcnow()
    return [_view(item, snapshot, quantity, now) for item in items]


def _view(item: PricedItem, snapshot: SettingsSnapshot, quantity: int, now: datetime) -> PriceView:
    rules = snapshot.settings.rules
    resolved = resolve(snapshot.settings, snapshot.overrides, item.product_id, item.category_path)
    tier = tier_for(resolved.tiers, quantity)
    return PriceView(
        item=item,
        quantity=quantity,
        price=compute_unit_price(item.base_cost, resolved.rates, rules, tier),
        as_of=now,
        sources=dict(resolved.sources),
        tier_id=resolved.tier_id(tier) if tier else None,
        tiers=[
            (t, compute_unit_price(item.base_cost, resolved.rates, rules, t))
            for t in resolved.tiers
        ],
    )


async def price_then(session: AsyncSession, item: PricedItem, at: datetime) -> PriceView | None:
    record = await session.scalar(
        select(PriceRecord)
        .where(PriceRecord.sku == item.sku, PriceRecord.valid_from <= at)
        .order_by(PriceRecord.valid_from.desc(), PriceRecord.id.desc())
        .limit(1)
    )
    if record is None:
        return None
    return PriceView(item=item, quantity=1, price=recorded(record), as_of=at)


def recorded(record: PriceRecord) -> UnitPrice:
    """A price of the history with its breakdown."""
    rates = ComponentRates(record.margin_rate, record.service_fee_rate, record.insurance_rate)
    return recorded_unit_price(
        record.base_cost, rates, record.price_excl_vat, record.vat_rate, record.vat_amount
    )
