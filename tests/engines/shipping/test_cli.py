"""`itvision shipping …`, run as a user runs it, on a data dir of its own (migrated, so the
seeded zones and stores are there)."""

from __future__ import annotations

import pytest

from tests.support.cli import Ran, itvision


@pytest.fixture
def run(tmp_path):
    env = {"ITVISION_DATA_DIR": str(tmp_path), "COLUMNS": "200"}

    def run(*args: str) -> Ran:
        return itvision("shipping", *args, env=env)

    return run


def test_zones_quotes_and_stores(run):
    zones = run("zones", "--country", "sn")
    assert zones.returncode == 0, zones.stderr
    assert "sn-dakar-plateau" in zones.stdout and "ci-abidjan" not in zones.stdout
    assert "Mermoz-Sacré-Cœur" in zones.stdout

    quote = run("quote", "--city", "Pikine", "--weight", "2500", "--subtotal", "20000")
    assert quote.returncode == 0, quote.stderr
    assert "Pikine (sn-dakar-pikine): 2\u202f500\u00a0F\u00a0CFA in 1 day(s)" in quote.stdout

    pickup = run("quote", "--country", "CI", "--city", "Abidjan", "--weight", "1", "--pickup")
    assert "IT Vision Abidjan Cocody (store:abidjan-cocody): 0\u00a0F\u00a0CFA" in pickup.stdout

    nowhere = run("quote", "--country", "ML", "--city", "Bamako", "--weight", "1")
    assert nowhere.returncode == 1
    assert "no delivery zone serves Bamako (ML)" in nowhere.stdout

    stores = run("stores")
    assert "dakar-plateau" in stores.stdout and "abidjan-cocody" in stores.stdout
