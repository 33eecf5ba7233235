"""Settings at three scopes: the most specific wins, component by component; the minimum
margin guards every margin that is set."""

from decimal import Decimal

import pytest

from itvision.engines.pricing.rules.scopes import (
    GLOBAL,
    GlobalSettings,
    Overrides,
    category_scope,
    chain,
    ensure_global_consistent,
    ensure_margin_floor,
    product_scope,
    resolve,
)
from itvision.engines.pricing.rules.tiers import Tier
from itvision.platform.errors import InvalidInput

D = Decimal
SETTINGS = GlobalSettings()
PATH = ["it", "computers", "laptops"]  # root → leaf


def test_the_chain_goes_from_the_product_to_the_root_category():
    assert chain("p1", PATH) == [
        "product:p1",
        "category:laptops",
        "category:computers",
        "category:it",
    ]


def test_without_overrides_everything_is_global():
    resolved = resolve(SETTINGS, {}, "p1", PATH)
    assert resolved.rates.margin_rate == D("0.25")
    assert resolved.rates.service_fee_rate == D("0.05")
    assert resolved.rates.insurance_rate == D("0.02")
    assert resolved.tiers == ()
    assert set(resolved.sources.values()) == {GLOBAL}


def test_the_most_specific_scope_wins_component_by_component():
    overrides = {
        category_scope("it"): Overrides(margin_rate=D("0.30"), insurance_rate=D("0.03")),
        category_scope("laptops"): Overrides(margin_rate=D("0.20")),
        product_scope("p1"): Overrides(service_fee_rate=D("0.04")),
    }
    resolved = resolve(SETTINGS, overrides, "p1", PATH)
    assert resolved.rates.margin_rate == D("0.20")  # the leaf category beats the root
    assert resolved.rates.service_fee_rate == D("0.04")  # the product beats everything
    assert resolved.rates.insurance_rate == D("0.03")  # only the root sets it
    assert resolved.sources == {
        "margin_rate": "category:laptops",
        "service_fee_rate": "product:p1",
        "insurance_rate": "category:it",
        "tiers": GLOBAL,
    }


def test_a_product_margin_beats_its_category():
    overrides = {
        category_scope("laptops"): Overrides(margin_rate=D("0.20")),
        product_scope("p1"): Overrides(margin_rate=D("0.15")),
    }
    assert resolve(SETTINGS, overrides, "p1", PATH).rates.margin_rate == D("0.15")
    assert resolve(SETTINGS, overrides, "p2", PATH).rates.margin_rate == D("0.20")


def test_another_category_s_settings_do_not_apply():
    overrides = {category_scope("phones"): Overrides(margin_rate=D("0.40"))}
    assert resolve(SETTINGS, overrides, "p1", PATH).rates.margin_rate == D("0.25")


def test_tiers_come_from_the_most_specific_scope_that_sets_them():
    five = (Tier(5, D("0.05")),)
    ten = (Tier(10, D("0.08")),)
    overrides = {
        category_scope("computers"): Overrides(tiers=five),
        product_scope("p1"): Overrides(margin_rate=D("0.3")),  # tiers None: inherited
    }
    resolved = resolve(SETTINGS, overrides, "p1", PATH)
    assert resolved.tiers == five
    assert resolved.tier_id(five[0]) == "category:computers:5"
    overrides[product_scope("p1")] = Overrides(tiers=ten)
    assert resolve(SETTINGS, overrides, "p1", PATH).tiers == ten


def test_an_empty_tier_list_means_no_tiers_not_inherit():
    overrides = {
        category_scope("it"): Overrides(tiers=(Tier(5, D("0.05")),)),
        product_scope("p1"): Overrides(tiers=()),
    }
    resolved = resolve(SETTINGS, overrides, "p1", PATH)
    assert resolved.tiers == ()
    assert resolved.sources["tiers"] == "product:p1"


def test_global_tiers_apply_when_no_scope_sets_any():
    settings = GlobalSettings(tiers=(Tier(3, D("0.02")),))
    resolved = resolve(settings, {}, "p1", PATH)
    assert resolved.tiers == (Tier(3, D("0.02")),)
    assert resolved.tier_id(resolved.tiers[0]) == "global:3"


def test_a_margin_under_the_minimum_is_refused_naming_the_field():
    ensure_margin_floor(D("0.10"), D("0.10"), "margin_rate")
    ensure_margin_floor(None, D("0.10"), "margin_rate")
    with pytest.raises(InvalidInput) as refused:
        ensure_margin_floor(D("0.0999"), D("0.10"), "margin_rate")
    assert refused.value.field == "margin_rate"


def test_the_default_margin_cannot_go_under_the_minimum():
    with pytest.raises(InvalidInput) as refused:
        ensure_global_consistent(
            GlobalSettings(default_margin_rate=D("0.05")), {"default_margin_rate"}, {}
        )
    assert refused.value.field == "default_margin_rate"
    with pytest.raises(InvalidInput) as refused:
        ensure_global_consistent(GlobalSettings(min_margin_rate=D("0.30")), {"min_margin_rate"}, {})
    assert refused.value.field == "min_margin_rate"


def test_the_minimum_cannot_rise_above_a_margin_set_at_a_scope():
    overrides = {category_scope("laptops"): Overrides(margin_rate=D("0.12"))}
    ensure_global_consistent(
        GlobalSettings(min_margin_rate=D("0.12")), {"min_margin_rate"}, overrides
    )
    with pytest.raises(InvalidInput) as refused:
        ensure_global_consistent(
            GlobalSettings(min_margin_rate=D("0.15")), {"min_margin_rate"}, overrides
        )
    assert refused.value.field == "min_margin_rate"
    assert "category:laptops" in refused.value.message
