"""Reprice SKUs after their cost or their settings changed, and say so — only when it changed.

A SKU's price is its one-unit price without tier. When it differs from the last recorded one
(any component, the VAT, the currency), a row is added to the price history; for a product
(not a variant) `pricing.price.calculated` is emitted when the seed's components or the final
price changed, and `pricing.margin.updated` when its margin rate did.

A price already recorded from a newer catalog state than the item holds is left alone: while a
replay re-applies old catalog events, past costs are not announced again as new prices.

The catalog and settings use cases end with this one, in their own unit of work, once what they
changed is in it.
"""

from __future__ import annotations

from datetime import datetime

from itvision.engines.pricing.commands import RepriceItems
from itvision.engines.pricing.events import SOURCE, MarginUpdated, PriceCalculated
from itvision.engines.pricing.models import PricedItem, PriceRecord
from itvision.engines.pricing.queries.items import load_items, load_latest_prices
from itvision.engines.pricing.queries.settings import load_settings
from itvision.engines.pricing.rules.formula import UnitPrice, unit_price
from itvision.engines.pricing.rules.scopes import chain, resolve
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def reprice_items(on: Runner, command: RepriceItems) -> int:
    """Record and announce the new prices of the SKUs; returns how many changed."""
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        # What the calling use case changed (a cost, a setting) is read back from the database.
        await session.flush()
        items = await load_items(session, command.skus)
        if not items:
            return 0
        scopes = None
        if command.skus is not None:
            scopes = {s for item in items for s in chain(item.product_id, item.category_path)}
        snapshot = await load_settings(session, scopes)
        latest = await load_latest_prices(session, (item.sku for item in items))
        now = utcnow()
        changed = 0
        for item in items:
            previous = latest.get(item.sku)
            if previous is not None and previous.catalog_at > item.catalog_at:
                continue
            resolved = resolve(
                snapshot.settings, snapshot.overrides, item.product_id, item.category_path
            )
            price = unit_price(item.base_cost, resolved.rates, snapshot.settings.rules)
            record = _record(item, price, now)
            if previous is not None and _same(previous, record):
                continue
            changed += 1
            session.add(record)
            if item.is_variant:
                continue
            if previous is None or _seed_components(previous) != _seed_components(record):
                uow.emit(_calculated(record))
            if previous is not None and previous.margin_rate != record.margin_rate:
                uow.emit(
                    MarginUpdated(
                        product_id=item.product_id,
                        previous_margin_rate=previous.margin_rate,
                        margin_rate=record.margin_rate,
                        updated_by=command.changed_by,
                        updated_at=now,
                    ),
                )
        return changed


def _record(item: PricedItem, price: UnitPrice, now: datetime) -> PriceRecord:
    return PriceRecord(
        sku=item.sku,
        product_id=item.product_id,
        base_cost=price.base_cost,
        margin_rate=price.rates.margin_rate,
        service_fee_rate=price.rates.service_fee_rate,
        insurance_rate=price.rates.insurance_rate,
        price_excl_vat=price.price_excl_vat,
        vat_rate=price.vat_rate,
        vat_amount=price.vat_amount,
        currency=item.currency,
        valid_from=now,
        catalog_at=item.catalog_at,
    )


def _seed_components(record: PriceRecord) -> tuple[object, ...]:
    return (
        record.base_cost,
        record.margin_rate,
        record.service_fee_rate,
        record.insurance_rate,
        record.price_excl_vat,
        record.currency,
    )


def _same(previous: PriceRecord, record: PriceRecord) -> bool:
    return _seed_components(previous) == _seed_components(record) and (
        previous.vat_rate,
        previous.vat_amount,
    ) == (record.vat_rate, record.vat_amount)


def _calculated(record: PriceRecord) -> PriceCalculated:
    return PriceCalculated(
        product_id=record.product_id,
        base_cost=record.base_cost,
        margin_rate=record.margin_rate,
        service_fee_rate=record.service_fee_rate,
        insurance_rate=record.insurance_rate,
        final_price=record.price_excl_vat,
        currency=record.currency,
        calculated_at=record.valid_from,
    )
