"""The price formula: components, tiers, the minimum-margin clamp, rounding, VAT — exact."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from itvision.engines.pricing.rules.formula import (
    FORMULA,
    ComponentRates,
    PriceRules,
    UnitPrice,
    recorded_unit_price,
    unit_price,
)
from itvision.engines.pricing.rules.tiers import Tier

SEED = ComponentRates(Decimal("0.25"), Decimal("0.05"), Decimal("0.02"))
RULES = PriceRules(
    min_margin_rate=Decimal("0.10"),
    vat_rate=Decimal("0.18"),
    rounding_step=5,
    rounding_mode="up",
)


def rules(**changes) -> PriceRules:
    return dataclasses.replace(RULES, **changes)


def adds_up(price: UnitPrice) -> bool:
    return price.price_excl_vat == (
        price.base_cost
        + price.margin_amount
        + price.service_fee_amount
        + price.insurance_amount
        - price.tier_discount_amount
        + price.rounding_adjustment
    )


def test_the_seed_example_250_000_gives_330_000_excl_vat():
    price = unit_price(250_000, SEED, RULES)
    assert price.price_excl_vat == 330_000
    assert (price.margin_amount, price.service_fee_amount, price.insurance_amount) == (
        62_500,
        12_500,
        5_000,
    )
    assert price.tier_discount_amount == price.rounding_adjustment == 0
    assert price.vat_amount == 59_400
    assert price.price_incl_vat == 389_400
    assert price.effective_margin_rate == Decimal("0.25")
    assert not price.margin_floor_applied


def test_every_amount_is_an_int_and_every_rate_a_decimal():
    price = unit_price(123_457, SEED, RULES, Tier(5, Decimal("0.05")))
    for name in (
        "base_cost",
        "margin_amount",
        "service_fee_amount",
        "insurance_amount",
        "tier_discount_amount",
        "rounding_adjustment",
        "price_excl_vat",
        "vat_amount",
        "price_incl_vat",
    ):
        assert type(getattr(price, name)) is int, name
    assert isinstance(price.effective_margin_rate, Decimal)


def test_rounding_up_to_the_step_never_goes_under_the_computed_price():
    # 1 001 × 1.32 = 1 321.32 → 1 325 (up to 5 F)
    price = unit_price(1_001, SEED, RULES)
    assert price.price_excl_vat == 1_325
    assert price.rounding_adjustment == 1_325 - (1_001 + 250 + 50 + 20)
    assert adds_up(price)


def test_rounding_to_the_nearest_step():
    nearest = rules(rounding_mode="nearest")
    assert unit_price(1_001, SEED, nearest).price_excl_vat == 1_320  # 1 321.32
    assert unit_price(1_003, SEED, nearest).price_excl_vat == 1_325  # 1 323.96
    # exactly half a step rounds up: 1 322.5 → 1 325
    half = ComponentRates(Decimal("0.3225"), Decimal(0), Decimal(0))
    assert unit_price(1_000, half, nearest).price_excl_vat == 1_325


@pytest.mark.parametrize(
    ("step", "expected"), [(1, 1_322), (5, 1_325), (10, 1_330), (25, 1_325), (100, 1_400)]
)
def test_the_rounding_step_is_configurable(step, expected):
    assert unit_price(1_001, SEED, rules(rounding_step=step)).price_excl_vat == expected


def test_vat_is_18_percent_of_the_rounded_price_excl_vat_half_up_to_the_franc():
    price = unit_price(1_001, SEED, RULES)
    assert price.vat_amount == 239  # 1 325 × 0.18 = 238.5 → 239
    assert price.price_incl_vat == 1_564
    assert price.vat_rate == Decimal("0.18")


def test_a_tier_discount_comes_out_of_the_margin():
    price = unit_price(100_000, SEED, RULES, Tier(5, Decimal("0.05")))
    # 100 000 × 1.32 × 0.95 = 125 400
    assert price.price_excl_vat == 125_400
    assert price.tier_discount_amount == 6_600
    assert price.effective_margin_rate == Decimal("1.32") * Decimal("0.95") - Decimal("1.07")
    assert price.effective_margin_rate == Decimal("0.184")
    assert not price.margin_floor_applied
    assert adds_up(price)


def test_a_tier_is_clamped_to_the_minimum_margin():
    deep = Tier(10, Decimal("0.20"))  # 1.32 × 0.8 = 1.056 → margin −1.4 %: under 10 %
    price = unit_price(100_000, SEED, RULES, deep)
    assert price.margin_floor_applied
    assert price.effective_margin_rate == Decimal("0.10")
    assert price.price_excl_vat == 117_000  # 100 000 × (1 + 0.10 + 0.05 + 0.02)
    assert price.tier_discount_amount == 15_000
    assert adds_up(price)


def test_a_tier_exactly_at_the_minimum_is_not_clamped():
    rates = ComponentRates(Decimal("0.20"), Decimal(0), Decimal(0))
    price = unit_price(
        1_000, rates, rules(min_margin_rate=Decimal("0.08")), Tier(2, Decimal("0.1"))
    )
    assert price.effective_margin_rate == Decimal("0.08")
    assert not price.margin_floor_applied
    assert price.price_excl_vat == 1_080


def test_zero_cost_costs_nothing():
    price = unit_price(0, SEED, RULES, Tier(5, Decimal("0.05")))
    assert (price.price_excl_vat, price.vat_amount, price.price_incl_vat) == (0, 0, 0)


@pytest.mark.parametrize("base_cost", [1, 7, 99, 1_234, 99_999, 1_000_003, 987_654_321])
@pytest.mark.parametrize("mode", ["up", "nearest"])
@pytest.mark.parametrize("tier", [None, Tier(5, Decimal("0.05")), Tier(10, Decimal("0.5"))])
def test_the_breakdown_always_adds_up_to_the_price(base_cost, mode, tier):
    price = unit_price(base_cost, SEED, rules(rounding_mode=mode), tier)
    assert adds_up(price)
    assert price.price_excl_vat % 5 == 0
    assert price.price_incl_vat == price.price_excl_vat + price.vat_amount
    if mode == "up":
        exact = base_cost * (1 + price.effective_margin_rate + Decimal("0.07"))
        assert price.price_excl_vat >= exact


def test_no_float_creeps_in_with_tricky_rates():
    rates = ComponentRates(Decimal("0.1"), Decimal("0.2"), Decimal("0"))
    # 0.1 + 0.2 is 0.3 exactly in Decimal: 10 × 1.3 = 13, no 13.000000000000002
    assert unit_price(10, rates, rules(rounding_step=1)).price_excl_vat == 13


def test_a_recorded_price_gives_back_its_breakdown():
    price = unit_price(1_001, SEED, RULES)
    again = recorded_unit_price(
        1_001, SEED, price.price_excl_vat, Decimal("0.18"), price.vat_amount
    )
    assert again == price


def test_the_docs_state_the_formula_as_the_code_does():
    docs = Path(__file__).parents[3] / "docs" / "engines" / "pricing.md"
    assert FORMULA in docs.read_text()
