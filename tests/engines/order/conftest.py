"""The order engine alone: its consumer group runs, the other engines' do not, so that a test
publishes their answers itself (in any order) and nothing else answers in between."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from itvision import bootstrap
from itvision.engines.order.consumers import GROUP
from itvision.platform.system import Platform
from itvision.settings import Settings
from tests.support.api import ApiClient, app_of
from tests.support.schema import migrate


@pytest.fixture
async def engine(backend_settings: Settings) -> AsyncIterator[Platform]:
    platform = Platform(backend_settings, bootstrap.registry(), [GROUP])
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def engine_api(engine: Platform) -> AsyncIterator[ApiClient]:
    transport = httpx.ASGITransport(app=app_of(engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield ApiClient(client, engine)
