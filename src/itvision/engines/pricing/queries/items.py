"""The SKUs pricing knows (its projection of the catalog) and their last recorded prices.

Every loader takes what a whole request needs in one query (all the SKUs of a cart, with the
tier their buyer reached and the settings revision), so that a quote costs the same few queries
whatever its size.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.models import PricedItem, PriceRecord, ScopeSettings, TierLevel
from itvision.engines.pricing.rules.scopes import GLOBAL
from itvision.platform.uow import Runner, read_session

ACTIVE = "active"


async def all_skus(on: Runner) -> list[str]:
    """Every SKU pricing knows, in order."""
    async with read_session(on) as session:
        return list(await session.scalars(select(PricedItem.sku).order_by(PricedItem.sku)))


async def load_item(
    session: AsyncSession, sku: str, *, include_inactive: bool
) -> PricedItem | None:
    item = await session.get(PricedItem, sku)
    if item is None or (item.status != ACTIVE and not include_inactive):
        return None
    return item


# Databases bound the parameters of one statement: long lists are asked in chunks.
IN_CHUNK = 500


async def load_product_items(session: AsyncSession, product_id: str) -> list[PricedItem]:
    """The product's own row first, then its variants."""
    rows = await session.scalars(select(PricedItem).where(PricedItem.product_id == product_id))
    return sorted(rows, key=lambda i: (i.is_variant, i.sku))


async def load_items_of_products(
    session: AsyncSession, product_ids: Collection[str]
) -> dict[str, list[PricedItem]]:
    """Each product's rows, its own first, then its variants (products with none left out)."""
    found: dict[str, list[PricedItem]] = {}
    ordered = sorted(product_ids)
    for start in range(0, len(ordered), IN_CHUNK):
        query = select(PricedItem).where(
            PricedItem.product_id.in_(ordered[start : start + IN_CHUNK])
        )
        for item in await session.scalars(query):
            found.setdefault(item.product_id, []).append(item)
    for items in found.values():
        items.sort(key=lambda i: (i.is_variant, i.sku))
    return found


async def load_items(session: AsyncSession, skus: Sequence[str] | None = None) -> list[PricedItem]:
    """Every SKU pricing knows (or those of `skus`), by SKU."""
    query = select(PricedItem).order_by(PricedItem.sku)
    if skus is not None:
        query = query.where(PricedItem.sku.in_(skus))
    return list(await session.scalars(query))


async def load_item_page(
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


async def load_latest_prices(session: AsyncSession, skus: Iterable[str]) -> dict[str, PriceRecord]:
    """The last recorded price of each SKU that has one."""
    skus = set(skus)
    if not skus:
        return {}
    newest = (
        select(func.max(PriceRecord.id))
        .where(PriceRecord.sku.in_(skus))
        .group_by(PriceRecord.sku)
        .scalar_subquery()
    )
    rows = await session.scalars(select(PriceRecord).where(PriceRecord.id.in_(newest)))
    return {record.sku: record for record in rows}


@dataclass(frozen=True, slots=True)
class Sellable:
    """What a quote needs of a SKU, and the tier its buyer last reached (0: none)."""

    sku: str
    product_id: str
    variant_id: str | None
    name: str
    name_en: str | None
    category_path: list[str]
    base_cost: int
    currency: str
    status: str
    tier_level: int


_ITEM_COLUMNS = tuple(f.name for f in fields(Sellable) if f.name != "tier_level")


def _sellables_query(with_buyer: bool) -> Any:
    """Built once: a quote runs it with its SKUs (and buyer) as parameters."""
    columns = [PricedItem.__table__.c[name] for name in _ITEM_COLUMNS]
    revision = (
        select(func.coalesce(ScopeSettings.revision, 0))
        .where(ScopeSettings.scope == GLOBAL)
        .scalar_subquery()
    )
    level = TierLevel.min_quantity if with_buyer else literal(0)
    query = select(*columns, level, revision).where(
        PricedItem.sku.in_(bindparam("skus", expanding=True))
    )
    if with_buyer:
        query = query.outerjoin(
            TierLevel,
            and_(TierLevel.sku == PricedItem.sku, TierLevel.buyer == bindparam("buyer")),
        )
    return query


_SELLABLES = {False: _sellables_query(False), True: _sellables_query(True)}


async def load_sellables(
    session: AsyncSession, skus: Iterable[str], buyer: str | None
) -> tuple[dict[str, Sellable], int]:
    """The SKUs of a cart with, in the same query, the tier `buyer` last reached for each and
    the settings revision."""
    query = _SELLABLES[buyer is not None]
    sellables, revision = {}, 0
    for row in await session.execute(query, {"skus": list(set(skus)), "buyer": buyer}):
        *columns, level, revision = row
        item = dict(zip(_ITEM_COLUMNS, columns, strict=True))
        sellables[row[0]] = Sellable(**item, tier_level=level or 0)
    return sellables, revision or 0
