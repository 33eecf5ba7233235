"""`itvision loyalty …`, run as a user runs it, on a data dir of its own."""

from __future__ import annotations

import asyncio

from itvision import migrations
from itvision.app import build_platform
from itvision.engines.loyalty.commands import AdjustPoints
from itvision.engines.loyalty.services.adjustments import adjust_points
from itvision.settings import load_settings
from tests.support.cli import itvision


def test_balance_expire_and_review(tmp_path):
    async def prepare() -> None:
        platform = build_platform(load_settings(data_dir=tmp_path))
        try:
            await migrations.upgrade(platform.db)
            await adjust_points(
                platform, AdjustPoints("cust-awa", 1_200, "GESTE-1", "geste commercial", "agent")
            )
        finally:
            await platform.close()

    asyncio.run(prepare())
    env = {"ITVISION_DATA_DIR": str(tmp_path), "COLUMNS": "200"}

    def run(*args: str) -> str:
        done = itvision("loyalty", *args, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "cust-awa: 1200 points disponibles (1200 F CFA), 0 en attente, niveau bronze" in run(
        "balance", "cust-awa"
    )
    assert "0 points expired" in run("expire")
    assert "0 members moved down a tier" in run("review")
