"""Every shipping test runs with two carriers that may report through the webhook."""

from __future__ import annotations

import json

import pytest

from tests.engines.shipping.support import SECRETS


@pytest.fixture(autouse=True)
def carrier_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITVISION_SHIPPING_CARRIER_SECRETS", json.dumps(SECRETS))
