"""`itvision order …`, run as a user runs it, on a data dir of its own."""

from __future__ import annotations

import asyncio

import pytest

from itvision import migrations
from itvision.app import build_platform
from itvision.settings import load_settings
from tests.engines.order.support import placed_order
from tests.support.cli import Ran, itvision


@pytest.fixture
def shell(tmp_path):
    env = {"ITVISION_DATA_DIR": str(tmp_path), "COLUMNS": "200"}

    async def prepare() -> str:
        platform = build_platform(load_settings(data_dir=tmp_path))
        try:
            await migrations.upgrade(platform.db)
            return await placed_order(platform, "wave")
        finally:
            await platform.close()

    order_id = asyncio.run(prepare())

    def run(*args: str) -> Ran:
        return itvision("order", *args, env=env)

    return run, order_id


def test_list_show_and_expire(shell):
    run, order_id = shell
    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert order_id in listed.stdout and "placed" in listed.stdout
    assert "410\u202f900" in listed.stdout

    shown = run("show", order_id)
    assert shown.returncode == 0, shown.stderr
    assert "LAPTOP-1" in shown.stdout and "Commande passée" in shown.stdout

    assert "0 orders expired" in run("expire").stdout

    missing = run("show", "CMD-NONE")
    assert missing.returncode == 1
    assert "order not found" in missing.stderr
