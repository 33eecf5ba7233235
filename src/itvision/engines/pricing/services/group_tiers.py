"""Group buys' tiers: pricing owns `pricing.tier.activated`, so it announces each tier a group
buy reaches (`groupbuy.threshold.reached`), with the group's id and its prices excluding VAT as
the topic states them. The group-buy engine sets and applies its own prices; pricing keeps no
state for them (the event's id makes a redelivery apply once)."""

from __future__ import annotations

from decimal import Decimal

from itvision.engines.pricing.commands import ActivateGroupTier
from itvision.engines.pricing.events import SOURCE, PriceTierActivated
from itvision.platform.money import VAT_RATE, round_amount
from itvision.platform.uow import Runner, unit_of_work


def _excl_vat(price_incl_vat: int) -> int:
    return round_amount(Decimal(price_incl_vat) / (1 + VAT_RATE))


async def activate_group_tier(on: Runner, command: ActivateGroupTier) -> PriceTierActivated:
    async with unit_of_work(on, SOURCE) as uow:
        previous = command.previous_unit_price
        activated = PriceTierActivated(
            product_id=command.product_id,
            tier_id=f"{command.group_id}:{command.tier_index}",
            min_quantity=command.threshold,
            unit_price=_excl_vat(command.unit_price),
            previous_unit_price=_excl_vat(previous) if previous is not None else None,
            currency=command.currency,
            group_id=command.group_id,
            activated_at=command.reached_at,
            sku=command.sku,
            quantity=command.count,
        )
        uow.emit(activated)
        return activated
