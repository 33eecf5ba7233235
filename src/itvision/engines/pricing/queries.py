"""Reads: prices now or at a past moment, the price history, quotes, settings.

A current price is computed from the settings in force (the same function that records the
history); a past price is read from the history: the last price recorded at or before then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.formula import ComponentRates, UnitPrice, recorded_unit_price
from itvision.engines.pricing.formula import unit_price as compute_unit_price
from itvision.engines.pricing.models import PricedItem, PriceRecord, StoredQuote
from itvision.engines.pricing.scopes import chain, resolve
from itvision.engines.pricing.store import SettingsSnapshot, load_settings
from itvision.engines.pricing.tiers import Tier, tier_for
from itvision.platform.events import utcnow

ACTIVE = "active"


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


async def find_item(
    session: AsyncSession, sku: str, *, include_inactive: bool
) -> PricedItem | None:
    item = await session.get(PricedItem, sku)
    if item is None or (item.status != ACTIVE and not include_inactive):
        return None
    return item


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


async def price_at(session: AsyncSession, item: PricedItem, at: datetime) -> PriceView | None:
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
    rates = ComponentRates(record.margin_rate, record.service_fee_rate, record.insurance_rate)
    return recorded_unit_price(
        record.base_cost, rates, record.price_excl_vat, record.vat_rate, record.vat_amount
    )


async def price_history(
    session: AsyncSession, sku: str, limit: int, offset: int
) -> tuple[list[PriceRecord], int]:
    """Newest first."""
    total = await session.scalar(select(func.count()).where(PriceRecord.sku == sku))
    rows = await session.scalars(
        select(PriceRecord)
        .where(PriceRecord.sku == sku)
        .order_by(PriceRecord.valid_from.desc(), PriceRecord.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)


async def list_items(
    session: AsyncSession,
    *,
    include_inactive: bool,
    category_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[PricedItem], int]:
    """A page of SKUs by SKU; `category_id` anywhere in their category path."""
    query = select(PricedItem).order_by(PricedItem.sku)
    if not include_inactive:
        query = query.where(PricedItem.status == ACTIVE)
    if category_id is None:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        items = await session.scalars(query.limit(limit).offset(offset))
        return list(items), int(total or 0)
    # The path is a JSON list: filtered here, the same way on SQLite and PostgreSQL.
    matching = [i for i in await session.scalars(query) if category_id in i.category_path]
    return matching[offset : offset + limit], len(matching)


async def find_quote(session: AsyncSession, quote_id: str) -> StoredQuote | None:
    return await session.get(StoredQuote, quote_id)


async def list_quotes(
    session: AsyncSession, owner_subject: str | None, limit: int, offset: int
) -> tuple[list[StoredQuote], int]:
    """Newest first; a customer's own (`owner_subject`), or every quote when None."""
    query = select(StoredQuote)
    count = select(func.count()).select_from(StoredQuote)
    if owner_subject is not None:
        query = query.where(StoredQuote.owner_subject == owner_subject)
        count = count.where(StoredQuote.owner_subject == owner_subject)
    rows = await session.scalars(
        query.order_by(StoredQuote.created_at.desc(), StoredQuote.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(await session.scalar(count) or 0)
