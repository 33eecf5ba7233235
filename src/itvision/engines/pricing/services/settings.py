"""Admins change the pricing settings: globally, for a category, for a product.

Each change is checked against the minimum margin, saved, announced with
`pricing.settings.changed` (the parameters in force at that scope afterwards), and the SKUs it
touches are repriced in the same unit of work — so a new price and the setting that caused it
commit together. A change that changes nothing announces nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.pricing.commands import (
    RemoveOverrides,
    RepriceItems,
    SetOverrides,
    UpdateGlobalSettings,
)
from itvision.engines.pricing.events import SOURCE, PricingSettingsChanged
from itvision.engines.pricing.models import PricedItem, ScopeSettings
from itvision.engines.pricing.queries.items import load_items, load_product_items
from itvision.engines.pricing.queries.settings import SettingsSnapshot, load_settings
from itvision.engines.pricing.rules.scopes import (
    GLOBAL,
    GlobalSettings,
    Overrides,
    category_scope,
    chain,
    ensure_global_consistent,
    ensure_margin_floor,
    resolve_chain,
)
from itvision.engines.pricing.rules.tiers import tiers_to_json, validate_tiers
from itvision.engines.pricing.services.repricing import reprice_items
from itvision.platform.db import upsert_insert
from itvision.platform.errors import NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


async def update_global_settings(on: Runner, command: UpdateGlobalSettings) -> GlobalSettings:
    """Apply the settings the command gives to the global settings."""
    changes = command.changes()
    if command.tiers is not None:
        validate_tiers(command.tiers)
    async with unit_of_work(on, SOURCE) as uow:
        snapshot = await load_settings(uow.session)
        settings = dataclasses.replace(snapshot.settings, **changes)
        if settings == snapshot.settings:
            return settings
        ensure_global_consistent(settings, changes, snapshot.overrides)
        row = await uow.session.get(ScopeSettings, GLOBAL)
        if row is None:
            row = ScopeSettings(scope=GLOBAL)
            uow.session.add(row)
        row.margin_rate = settings.default_margin_rate
        row.service_fee_rate = settings.service_fee_rate
        row.insurance_rate = settings.insurance_rate
        row.tiers = tiers_to_json(settings.tiers)
        row.min_margin_rate = settings.min_margin_rate
        row.vat_rate = settings.vat_rate
        row.rounding_step = settings.rounding_step
        row.rounding_mode = settings.rounding_mode
        row.quote_validity_hours = settings.quote_validity_hours
        row.updated_at, row.updated_by = utcnow(), command.changed_by
        await _bump_revision(uow.session)
        after = SettingsSnapshot(settings, snapshot.overrides)
        _announce(uow, after, GLOBAL, [], command.changed_by)
        await reprice_items(uow, RepriceItems(None, changed_by=command.changed_by))
        return settings


async def set_overrides(on: Runner, command: SetOverrides) -> Overrides:
    """Replace what a category or a product sets."""
    scope, overrides = command.scope, command.overrides
    if overrides.tiers is not None:
        validate_tiers(overrides.tiers)
    async with unit_of_work(on, SOURCE) as uow:
        snapshot = await load_settings(uow.session)
        ensure_margin_floor(overrides.margin_rate, snapshot.settings.min_margin_rate, "margin_rate")
        items = await _items_under(uow, scope)
        if (snapshot.overrides.get(scope) or Overrides()) == overrides:
            return overrides
        row = await uow.session.get(ScopeSettings, scope)
        if row is None:
            row = ScopeSettings(scope=scope)
            uow.session.add(row)
        row.margin_rate = overrides.margin_rate
        row.service_fee_rate = overrides.service_fee_rate
        row.insurance_rate = overrides.insurance_rate
        row.tiers = tiers_to_json(overrides.tiers)
        row.updated_at, row.updated_by = utcnow(), command.changed_by
        await _bump_revision(uow.session)
        after = SettingsSnapshot(snapshot.settings, {**snapshot.overrides, scope: overrides})
        await _after_change(uow, after, scope, items, command.changed_by)
        return overrides


async def remove_overrides(on: Runner, command: RemoveOverrides) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        row = await uow.session.get(ScopeSettings, command.scope)
        if row is None:
            raise NotFound(f"no pricing settings for {command.scope}", field="scope")
        items = await _items_under(uow, command.scope, must_exist=False)
        await uow.session.delete(row)
        await _bump_revision(uow.session)
        snapshot = await load_settings(uow.session)
        await _after_change(uow, snapshot, command.scope, items, command.changed_by)


async def _bump_revision(session: AsyncSession) -> None:
    """Mark a settings change (atomic: concurrent changes each get their own revision), so
    that every process drops its in-memory copy of the settings."""
    statement = (
        upsert_insert(session)(ScopeSettings)
        .values(scope=GLOBAL, revision=1, updated_at=utcnow())
        .on_conflict_do_update(
            index_elements=[ScopeSettings.scope],
            set_={"revision": func.coalesce(ScopeSettings.revision, 0) + 1},
        )
    )
    await session.execute(statement)


async def _items_under(uow: UnitOfWork, scope: str, *, must_exist: bool = True) -> list[PricedItem]:
    kind, _, key = scope.partition(":")
    if kind == "product":
        items = await load_product_items(uow.session, key)
        if not items and must_exist:
            raise NotFound(f"product {key} is not known to pricing", field="product_id")
        return items
    return [i for i in await load_items(uow.session) if key in i.category_path]


async def _after_change(
    uow: UnitOfWork,
    snapshot: SettingsSnapshot,
    scope: str,
    items: Sequence[PricedItem],
    changed_by: str,
) -> None:
    _announce(uow, snapshot, scope, items, changed_by)
    if items:
        skus = tuple(item.sku for item in items)
        await reprice_items(uow, RepriceItems(skus, changed_by=changed_by))


def _announce(
    uow: UnitOfWork,
    snapshot: SettingsSnapshot,
    scope: str,
    items: Sequence[PricedItem],
    changed_by: str,
) -> None:
    settings = snapshot.settings
    rates = resolve_chain(settings, snapshot.overrides, _chain_of(scope, items)).rates
    uow.emit(
        PricingSettingsChanged(
            scope=scope,
            default_margin_rate=rates.margin_rate,
            service_fee_rate=rates.service_fee_rate,
            insurance_rate=rates.insurance_rate,
            vat_rate=settings.vat_rate,
            rounding_step=settings.rounding_step,
            min_margin_rate=settings.min_margin_rate,
            rounding_mode=settings.rounding_mode,
            changed_by=changed_by,
            changed_at=utcnow(),
        ),
    )


def _chain_of(scope: str, items: Sequence[PricedItem]) -> list[str]:
    """The scopes above `scope`, itself first: a product's chain, or a category's ancestors as
    the SKUs under it know them."""
    kind, _, key = scope.partition(":")
    if kind == "product" and items:
        return chain(key, items[0].category_path)
    if kind == "category":
        path = next((i.category_path for i in items if key in i.category_path), [key])
        ancestry = path[: path.index(key) + 1]
        return [category_scope(c) for c in reversed(ancestry)]
    return [scope] if scope != GLOBAL else []
