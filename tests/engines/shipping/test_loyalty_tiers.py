"""Free delivery as a loyalty tier's benefit: shipping follows the loyalty engine's tier events
(its own projection) and quotes 0 for home delivery to a member whose tier delivers free; the
latest change wins, whichever topic arrives last."""

from __future__ import annotations

from datetime import timedelta

from itvision.engines.loyalty.events import TierDowngraded, TierUpgraded
from itvision.engines.shipping import Destination, quote_fee
from itvision.platform.events import utcnow
from tests.conftest import eventually

PLATEAU = Destination("SN", "Dakar", "Plateau", "home_delivery")


async def _publish(platform, payload) -> None:
    async with platform.uows("loyalty-engine") as uow:
        uow.emit(payload)


async def _fee(platform, customer_id: str | None) -> int:
    found = await quote_fee(platform, PLATEAU, 800, 10_000, customer_id)
    assert found is not None
    return found.fee


async def _fee_becomes(platform, customer_id: str, fee: int) -> None:
    async def there() -> bool:
        return await _fee(platform, customer_id) == fee

    await eventually(there, 20, f"a fee of {fee} for {customer_id}")


async def test_a_tier_that_delivers_free_makes_home_delivery_free(system):
    now = utcnow()
    gold = TierUpgraded(
        customer_id="awa", previous_tier="silver", tier="gold", qualifying_points=50_000,
        free_shipping=True, upgraded_at=now,
    )  # fmt: skip
    await _publish(system, gold)
    await _fee_becomes(system, "awa", 0)
    assert await _fee(system, "koffi") == 1000
    assert await _fee(system, None) == 1000
    # Reviewed down a year on: delivery is paid again.
    silver = TierDowngraded(
        customer_id="awa", previous_tier="gold", tier="silver", qualifying_points=12_000,
        free_shipping=False, downgraded_at=now + timedelta(days=365),
    )  # fmt: skip
    await _publish(system, silver)
    await _fee_becomes(system, "awa", 1000)


async def test_an_older_upgrade_arriving_after_a_downgrade_changes_nothing(system):
    now = utcnow()
    await _publish(
        system,
        TierDowngraded(
            customer_id="awa", previous_tier="gold", tier="silver", qualifying_points=0,
            downgraded_at=now,
        ),
    )  # fmt: skip
    await _publish(
        system,
        TierUpgraded(
            customer_id="awa", previous_tier="silver", tier="gold", qualifying_points=50_000,
            free_shipping=True, upgraded_at=now - timedelta(days=1),
        ),
    )  # fmt: skip
    await _publish(
        system,
        TierUpgraded(
            customer_id="marker", previous_tier="bronze", tier="gold", qualifying_points=50_000,
            free_shipping=True, upgraded_at=now,
        ),
    )  # fmt: skip
    await _fee_becomes(system, "marker", 0)
    assert await _fee(system, "awa") == 1000
