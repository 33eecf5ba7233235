"""The engine's settings belong to the platform: one given its own ShippingSettings quotes
with its own default threshold and ships with its own default carrier."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from itvision import bootstrap, migrations
from itvision.engines.shipping import Destination, quote_fee
from itvision.engines.shipping.commands import CreateShipment, RecordOrder
from itvision.engines.shipping.services.orders import record_order
from itvision.engines.shipping.services.shipments import create_shipment
from itvision.engines.shipping.settings import ShippingSettings
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from tests.conftest import settings_for_tests


@asynccontextmanager
async def _platform(path: Path, settings: ShippingSettings) -> AsyncIterator[Platform]:
    platform = Platform(settings_for_tests(path), bootstrap.registry(), engine_settings=[settings])
    try:
        await migrations.upgrade(platform.db)
        yield platform
    finally:
        await platform.close()


async def test_a_platform_s_own_threshold_and_carrier(tmp_path):
    settings = ShippingSettings(default_free_from=None, default_carrier="yango")
    async with _platform(tmp_path, settings) as platform:
        dakar = Destination("SN", "Dakar", "Plateau", "home_delivery")
        fee = await quote_fee(platform, dakar, 500, 10**9)
        assert fee is not None and (fee.fee, fee.free_from) == (1000, None)
        await record_order(
            platform,
            RecordOrder(
                order_id="o-1",
                customer_id="awa",
                delivery_method="home_delivery",
                payment_method="wave",
                recipient_name="Awa",
                phone=None,
                country="SN",
                city="Dakar",
                area="Plateau",
                address_line=None,
                shipping_fee=1000,
                total=10_000,
                currency="XOF",
                placed_at=utcnow(),
            ),
        )
        shipment = await create_shipment(platform, CreateShipment("o-1", "order-engine"))
        assert shipment is not None and shipment.carrier == "yango"
