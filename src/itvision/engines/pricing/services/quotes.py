"""Quote a cart: each line (SKU × quantity) gets its unit and line prices with their breakdown,
and the quote is stored — id, lines, breakdown, expiry — so that an order keeps the price it was
quoted whatever happens to the settings afterwards.

A quote also tells group buying when a buyer's quantity of a SKU crosses into a higher tier
(`pricing.tier.activated`, once per crossing). The buyer is the group buy when the quote names
one, else the authenticated caller; an anonymous quote has no buyer to follow and emits none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update

from itvision.engines.pricing.commands import CartLine, QuoteCart
from itvision.engines.pricing.events import SOURCE, PriceTierActivated
from itvision.engines.pricing.models import StoredQuote, TierLevel
from itvision.engines.pricing.queries.items import ACTIVE, Sellable, load_sellables
from itvision.engines.pricing.queries.settings import SETTINGS_CACHE, SettingsSnapshot
from itvision.engines.pricing.rules.formula import PriceRules, UnitPrice, unit_price
from itvision.engines.pricing.rules.scopes import GlobalSettings, Resolved, resolve
from itvision.engines.pricing.rules.tiers import tier_below, tier_for
from itvision.platform.db import upsert_insert
from itvision.platform.errors import InvalidInput
from itvision.platform.events import new_event_id, utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

QUOTES = StoredQuote.metadata.tables[StoredQuote.__tablename__]


@dataclass(frozen=True, slots=True)
class PricedLine:
    item: Sellable
    quantity: int
    resolved: Resolved
    price: UnitPrice


async def quote_cart(on: Runner, command: QuoteCart) -> StoredQuote:
    group_id, owner = command.group_id, command.owner_subject
    buyer = f"group:{group_id}" if group_id else f"subject:{owner}" if owner else None
    async with unit_of_work(on, SOURCE) as uow:
        session = uow.session
        skus = (line.sku for line in command.lines)
        items, revision = await load_sellables(session, skus, buyer)
        _check_lines(command.lines, items)
        snapshot = await SETTINGS_CACHE.snapshot(session, revision)
        priced = [_price_line(items[line.sku], line.quantity, snapshot) for line in command.lines]
        now = utcnow()
        row = _quote_row(command, priced, snapshot.settings, now)
        # A Core insert: the ORM's flush machinery is most of a quote's cost otherwise.
        await session.execute(insert(QUOTES), row)
        if buyer is not None:
            rules = snapshot.settings.rules
            for line in priced:
                if line.resolved.tiers:
                    await _follow_tier(uow, buyer, line, rules, group_id, now)
        return StoredQuote(**row)


def _price_line(item: Sellable, quantity: int, snapshot: SettingsSnapshot) -> PricedLine:
    settings = snapshot.settings
    resolved = resolve(settings, snapshot.overrides, item.product_id, item.category_path)
    tier = tier_for(resolved.tiers, quantity)
    price = unit_price(item.base_cost, resolved.rates, settings.rules, tier)
    return PricedLine(item, quantity, resolved, price)


def _quote_row(
    command: QuoteCart, priced: Sequence[PricedLine], settings: GlobalSettings, now: datetime
) -> dict[str, Any]:
    lines = [_line_json(p) for p in priced]
    return {
        "id": str(new_event_id()),
        "owner_subject": command.owner_subject,
        "group_id": command.group_id,
        "currency": priced[0].item.currency,
        "vat_rate": settings.vat_rate,
        "lines": lines,
        "total_excl_vat": sum(r["line_total_excl_vat"] for r in lines),
        "total_vat": sum(r["line_vat"] for r in lines),
        "total_incl_vat": sum(r["line_total_incl_vat"] for r in lines),
        "created_at": now,
        "expires_at": now + timedelta(hours=settings.quote_validity_hours),
    }


def _check_lines(lines: Sequence[CartLine], items: dict[str, Sellable]) -> None:
    seen: set[str] = set()
    currency = None
    for index, line in enumerate(lines):
        field = f"lines.{index}.sku"
        if line.sku in seen:
            raise InvalidInput(f"SKU {line.sku} is on two lines", field=field)
        seen.add(line.sku)
        item = items.get(line.sku)
        if item is None or item.status != ACTIVE:
            raise InvalidInput(f"SKU {line.sku} is not for sale", field=field)
        if currency is not None and item.currency != currency:
            raise InvalidInput(
                f"SKU {line.sku} is priced in {item.currency}, the cart in {currency}", field=field
            )
        currency = item.currency


def _line_json(line: PricedLine) -> dict[str, Any]:
    """A quote line as stored: everything the quote said, staff-only parts included."""
    price, item = line.price, line.item
    tier = price.tier
    return {
        "sku": item.sku,
        "product_id": item.product_id,
        "variant_id": item.variant_id,
        "name": item.name,
        "name_en": item.name_en,
        "quantity": line.quantity,
        "base_cost": price.base_cost,
        "margin_rate": str(price.rates.margin_rate),
        "service_fee_rate": str(price.rates.service_fee_rate),
        "insurance_rate": str(price.rates.insurance_rate),
        "effective_margin_rate": str(price.effective_margin_rate),
        "margin_floor_applied": price.margin_floor_applied,
        "tier": None
        if tier is None
        else {
            "id": line.resolved.tier_id(tier),
            "min_quantity": tier.min_quantity,
            "discount_rate": str(tier.discount_rate),
        },
        "margin_amount": price.margin_amount,
        "service_fee_amount": price.service_fee_amount,
        "insurance_amount": price.insurance_amount,
        "tier_discount_amount": price.tier_discount_amount,
        "rounding_adjustment": price.rounding_adjustment,
        "unit_price_excl_vat": price.price_excl_vat,
        "unit_vat": price.vat_amount,
        "unit_price_incl_vat": price.price_incl_vat,
        "line_total_excl_vat": price.price_excl_vat * line.quantity,
        "line_vat": price.vat_amount * line.quantity,
        "line_total_incl_vat": price.price_incl_vat * line.quantity,
        "sources": dict(line.resolved.sources),
    }


async def _follow_tier(
    uow: UnitOfWork,
    buyer: str,
    line: PricedLine,
    rules: PriceRules,
    group_id: str | None,
    now: datetime,
) -> None:
    """Record the tier `buyer` is at for this SKU; announce it when it is higher than before.

    The level read with the SKU decides whether to write; the write is a conditional
    statement, atomic on SQLite and PostgreSQL, so two concurrent quotes cannot both announce
    the same crossing: going down never announces, and going up announces only when the
    upsert's condition (stored level < new level) still held when it ran."""
    tier, sku = line.price.tier, line.item.sku
    level = tier.min_quantity if tier else 0
    if level < line.item.tier_level:
        await uow.session.execute(
            update(TierLevel)
            .where(TierLevel.buyer == buyer, TierLevel.sku == sku, TierLevel.min_quantity > level)
            .values(min_quantity=level, updated_at=now)
        )
        return
    if tier is None or level == line.item.tier_level:
        return
    if not await _raise_level(uow, buyer, sku, level, now):
        return
    below = tier_below(line.resolved.tiers, tier)
    previous = unit_price(line.item.base_cost, line.resolved.rates, rules, below)
    uow.emit(
        PriceTierActivated(
            product_id=line.item.product_id,
            tier_id=line.resolved.tier_id(tier),
            min_quantity=tier.min_quantity,
            unit_price=line.price.price_excl_vat,
            previous_unit_price=previous.price_excl_vat,
            currency=line.item.currency,
            group_id=group_id,
            activated_at=now,
            sku=sku,
            quantity=line.quantity,
        ),
    )


async def _raise_level(uow: UnitOfWork, buyer: str, sku: str, level: int, now: datetime) -> bool:
    """Set the level if it is higher than the stored one; True when this statement did."""
    statement = (
        upsert_insert(uow.session)(TierLevel)
        .values(buyer=buyer, sku=sku, min_quantity=level, updated_at=now)
        .on_conflict_do_update(
            index_elements=[TierLevel.buyer, TierLevel.sku],
            set_={"min_quantity": level, "updated_at": now},
            where=TierLevel.min_quantity < level,
        )
        .returning(TierLevel.sku)
    )
    return (await uow.session.execute(statement)).first() is not None
