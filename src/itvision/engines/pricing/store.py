"""Loading and saving pricing state: settings snapshots, items, the latest recorded prices.

Every loader takes what a whole request needs in one query (all the SKUs of a cart, all the
scopes of their chains), so that a quote costs the same few queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import and_, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.models import PricedItem, PriceRecord, ScopeSettings, TierLevel
from itvision.engines.pricing.scopes import GLOBAL, GlobalSettings, Overrides
from itvision.engines.pricing.tiers import Tier
from itvision.platform.db import upsert_insert
from itvision.platform.events import utcnow


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    """The global settings and the overrides of the scopes that were loaded, at `revision`."""

    settings: GlobalSettings = field(default_factory=GlobalSettings)
    overrides: dict[str, Overrides] = field(default_factory=dict)
    revision: int = 0


def tiers_from_json(rows: Sequence[dict[str, Any]] | None) -> tuple[Tier, ...] | None:
    if rows is None:
        return None
    return tuple(Tier(int(r["min_quantity"]), Decimal(str(r["discount_rate"]))) for r in rows)


def tiers_to_json(tiers: Sequence[Tier] | None) -> list[dict[str, Any]] | None:
    if tiers is None:
        return None
    return [{"min_quantity": t.min_quantity, "discount_rate": str(t.discount_rate)} for t in tiers]


def global_settings(row: Any) -> GlobalSettings:
    """From the `global` row of pricing_scopes (an ORM object or a row), or the defaults."""
    defaults = GlobalSettings()
    if row is None:
        return defaults

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    return GlobalSettings(
        default_margin_rate=pick(row.margin_rate, defaults.default_margin_rate),
        service_fee_rate=pick(row.service_fee_rate, defaults.service_fee_rate),
        insurance_rate=pick(row.insurance_rate, defaults.insurance_rate),
        min_margin_rate=pick(row.min_margin_rate, defaults.min_margin_rate),
        vat_rate=pick(row.vat_rate, defaults.vat_rate),
        rounding_step=pick(row.rounding_step, defaults.rounding_step),
        rounding_mode=pick(row.rounding_mode, defaults.rounding_mode),
        quote_validity_hours=pick(row.quote_validity_hours, defaults.quote_validity_hours),
        tiers=pick(tiers_from_json(row.tiers), defaults.tiers),
    )


def overrides_of(row: Any) -> Overrides:
    return Overrides(
        margin_rate=row.margin_rate,
        service_fee_rate=row.service_fee_rate,
        insurance_rate=row.insurance_rate,
        tiers=tiers_from_json(row.tiers),
    )


async def load_settings(
    session: AsyncSession, scopes: Iterable[str] | None = None
) -> SettingsSnapshot:
    """The global settings and the overrides of `scopes` (every scope when None)."""
    # Core rows, not ORM objects: this runs for every quote and every price read.
    query = select(*ScopeSettings.__table__.c)
    if scopes is not None:
        query = query.where(ScopeSettings.scope.in_({GLOBAL, *scopes}))
    rows = {row.scope: row for row in await session.execute(query)}
    global_row = rows.pop(GLOBAL, None)
    return SettingsSnapshot(
        global_settings(global_row),
        {scope: overrides_of(row) for scope, row in rows.items()},
        revision=(global_row.revision or 0) if global_row is not None else 0,
    )


class SettingsCache:
    """Every scope's settings, kept in memory per database while their revision holds.

    The revision is read in the same query as the cart's SKUs, so a quote costs no settings
    query unless the settings changed since (in this process or any other)."""

    def __init__(self) -> None:
        self._snapshots: WeakKeyDictionary[Any, SettingsSnapshot] = WeakKeyDictionary()

    async def snapshot(self, session: AsyncSession, revision: int) -> SettingsSnapshot:
        database = session.get_bind()
        cached = self._snapshots.get(database)
        if cached is not None and cached.revision == revision:
            return cached
        snapshot = await load_settings(session)
        self._snapshots[database] = snapshot
        return snapshot


SETTINGS_CACHE = SettingsCache()


async def bump_revision(session: AsyncSession) -> None:
    """Mark a settings change (atomic: concurrent changes each get their own revision)."""
    statement = (
        upsert_insert(session)(ScopeSettings)
        .values(scope=GLOBAL, revision=1, updated_at=utcnow())
        .on_conflict_do_update(
            index_elements=[ScopeSettings.scope],
            set_={"revision": func.coalesce(ScopeSettings.revision, 0) + 1},
        )
    )
    await session.execute(statement)


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


def _sellables_query(with_buyer: bool) -> Any:
    """Built once: a quote runs it with its SKUs (and buyer) as parameters."""
    columns = [PricedItem.__table__.c[f.name] for f in fields(Sellable) if f.name != "tier_level"]
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
        sellables[row[0]] = Sellable(*row[:-2], tier_level=row[-2] or 0)
        revision = row[-1] or 0
    return sellables, revision


async def product_items(session: AsyncSession, product_id: str) -> list[PricedItem]:
    """The product's own row first, then its variants."""
    rows = await session.scalars(select(PricedItem).where(PricedItem.product_id == product_id))
    return sorted(rows, key=lambda i: (i.is_variant, i.sku))


async def all_items(session: AsyncSession, skus: Sequence[str] | None = None) -> list[PricedItem]:
    """Every SKU pricing knows (or those of `skus`), by SKU."""
    query = select(PricedItem).order_by(PricedItem.sku)
    if skus is not None:
        query = query.where(PricedItem.sku.in_(skus))
    return list(await session.scalars(query))


async def latest_prices(session: AsyncSession, skus: Iterable[str]) -> dict[str, PriceRecord]:
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
