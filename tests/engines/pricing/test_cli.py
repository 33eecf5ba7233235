"""`itvision pricing …`, run as a user runs it, on a data dir of its own."""

from __future__ import annotations

import asyncio

import pytest

from itvision import migrations
from itvision.app import build_platform
from itvision.settings import load_settings
from tests.engines.pricing.conftest import product_created, seed
from tests.support.cli import Ran, itvision


@pytest.fixture
def run(tmp_path):
    env = {"ITVISION_DATA_DIR": str(tmp_path), "COLUMNS": "160"}

    async def prepare() -> None:
        platform = build_platform(load_settings(data_dir=tmp_path))
        try:
            await migrations.upgrade(platform.db)
            await seed(platform, product_created("p1"))
        finally:
            await platform.close()

    asyncio.run(prepare())

    def run(*args: str) -> Ran:
        return itvision("pricing", *args, env=env)

    return run


def test_settings_price_and_reprice(run):
    shown = run("settings")
    assert shown.returncode == 0, shown.stderr
    assert "default_margin_rate" in shown.stdout and "0.25" in shown.stdout
    price = run("price", "SKU-p1")
    assert price.returncode == 0, price.stderr
    assert "330\u202f000" in price.stdout and "389\u202f400" in price.stdout
    repriced = run("reprice")
    assert repriced.returncode == 0, repriced.stderr
    assert "repriced 1 SKU(s): 0 price(s) changed" in repriced.stdout
    missing = run("price", "nope")
    assert missing.returncode == 1
    assert "no SKU nope" in missing.stderr
