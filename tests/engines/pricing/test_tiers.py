"""Quantity tiers: which tier a quantity reaches, and which tier lists are valid."""

from decimal import Decimal

import pytest

from itvision.engines.pricing.rules.tiers import Tier, tier_below, tier_for, validate_tiers
from itvision.platform.errors import InvalidInput

FIVE = Tier(5, Decimal("0.05"))
TEN = Tier(10, Decimal("0.08"))
TIERS = (FIVE, TEN)


@pytest.mark.parametrize(
    ("quantity", "expected"), [(1, None), (4, None), (5, FIVE), (9, FIVE), (10, TEN), (500, TEN)]
)
def test_a_quantity_gets_the_highest_tier_it_reaches(quantity, expected):
    assert tier_for(TIERS, quantity) == expected


def test_no_tiers_no_tier():
    assert tier_for((), 1_000) is None


def test_the_tier_below():
    assert tier_below(TIERS, TEN) == FIVE
    assert tier_below(TIERS, FIVE) is None


def test_a_valid_list_is_kept_as_given():
    assert validate_tiers([FIVE, TEN]) == TIERS
    assert validate_tiers([]) == ()
    assert validate_tiers([Tier(2, Decimal("0.05")), Tier(3, Decimal("0.05"))])


@pytest.mark.parametrize(
    ("tiers", "field"),
    [
        ([Tier(1, Decimal("0.05"))], "tiers.0.min_quantity"),
        ([Tier(5, Decimal("0"))], "tiers.0.discount_rate"),
        ([Tier(5, Decimal("0.95"))], "tiers.0.discount_rate"),
        ([Tier(5, Decimal("-0.1"))], "tiers.0.discount_rate"),
        ([TEN, FIVE], "tiers.1.min_quantity"),
        ([FIVE, Tier(5, Decimal("0.08"))], "tiers.1.min_quantity"),
        ([FIVE, Tier(10, Decimal("0.04"))], "tiers.1.discount_rate"),
        ([Tier(q, Decimal("0.01")) for q in range(2, 14)], "tiers"),
    ],
)
def test_an_invalid_list_is_refused_naming_the_field(tiers, field):
    with pytest.raises(InvalidInput) as refused:
        validate_tiers(tiers)
    assert refused.value.field == field
