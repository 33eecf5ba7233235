"""Loyalty engine (`loyalty-engine`): a points ledger per customer, earn rules, tiers (Bronze,
Silver, Gold), rewards, redemption at checkout and expiry. Its public contract is `events`.

The order engine reads here what a customer may spend at checkout:

    terms = await redemption_terms(platform, "cust-awa")

Points change only through events (an order placed, delivered, cancelled, refunded) and the
loyalty API. The engine's internals are imported inside the functions, so that importing
`events` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass

from itvision.platform.system import Platform

__all__ = ["RedemptionTerms", "redemption_terms"]


@dataclass(frozen=True, slots=True)
class RedemptionTerms:
    """What a customer may spend now: `available` points, each worth `point_value` F CFA, paying
    at most `max_percent` % of an order's goods."""

    customer_id: str
    available: int
    point_value: int
    max_percent: int
    tier: str

    def redeemable(self, requested: int, goods_total: int) -> tuple[int, int]:
        """(points, discount in F CFA) for spending `requested` points on `goods_total`."""
        from itvision.engines.loyalty.rules import redeemable

        return redeemable(
            requested, self.available, goods_total, self.point_value, self.max_percent
        )


async def redemption_terms(platform: Platform, customer_id: str) -> RedemptionTerms:
    from itvision.engines.loyalty import queries
    from itvision.engines.loyalty.settings import LoyaltySettings

    settings = platform.settings_of(LoyaltySettings)
    balance = await queries.balance_of(platform, customer_id, settings)
    return RedemptionTerms(
        customer_id,
        balance.available,
        settings.point_value,
        settings.max_redeem_percent,
        balance.tier,
    )
