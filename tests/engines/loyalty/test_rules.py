"""The loyalty rules as pure functions: earning, refunds, tiers, expiry, redemption."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from itvision.engines.loyalty.rules import (
    EarnRule,
    Lot,
    PricedLine,
    first_unspent_expiry,
    in_birthday_month,
    line_multiplier,
    order_points,
    paid_for_goods,
    redeemable,
    refund_take_back,
    reviewed_tier,
    supported_tier,
    tier_ladder,
    unspent_by,
    upgraded_tier,
)

LADDER = tier_ladder(10_000, 50_000, Decimal("1.25"), Decimal("1.5"))
ONE = Decimal(1)
LAPTOP = PricedLine("p-laptop", 400_000, ("informatique", "portables"), "HP")
MOUSE = PricedLine("p-mouse", 100_000, ("informatique", "accessoires"), "Logitech")


def test_the_ladder_is_bronze_silver_gold_and_only_gold_delivers_free():
    assert [(t.name, t.threshold, t.free_shipping) for t in LADDER] == [
        ("bronze", 0, False),
        ("silver", 10_000, False),
        ("gold", 50_000, True),
    ]
    # Gold is never below Silver, whatever the settings say.
    assert tier_ladder(10_000, 5_000, ONE, ONE)[2].threshold == 10_000


@pytest.mark.parametrize(
    ("points", "tier"),
    [(-5, "bronze"), (0, "bronze"), (9_999, "bronze"), (10_000, "silver"), (49_999, "silver"),
     (50_000, "gold"), (10**9, "gold")],
)  # fmt: skip
def test_the_tier_the_points_support(points, tier):
    assert supported_tier(points, LADDER) == tier


@pytest.mark.parametrize(
    ("current", "points", "after"),
    [("bronze", 0, "bronze"), ("bronze", 10_000, "silver"), ("bronze", 60_000, "gold"),
     ("silver", 0, "silver"), ("gold", 0, "gold"), ("silver", 50_000, "gold")],
)  # fmt: skip
def test_upgrades_are_immediate_and_never_lower_a_tier(current, points, after):
    assert upgraded_tier(current, points, LADDER) == after


@pytest.mark.parametrize(
    ("current", "points", "after"),
    [("gold", 0, "silver"), ("gold", 20_000, "silver"), ("gold", 50_000, "gold"),
     ("silver", 0, "bronze"), ("silver", 10_000, "silver"), ("bronze", 0, "bronze"),
     ("silver", 90_000, "silver")],
)  # fmt: skip
def test_the_yearly_review_moves_one_tier_down_at_most(current, points, after):
    assert reviewed_tier(current, points, LADDER) == after


def test_a_line_takes_the_best_matching_multiplier_and_rules_do_not_stack():
    rules = [
        EarnRule("category", "informatique", Decimal("1.5")),
        EarnRule("brand", "hp", Decimal("2")),
        EarnRule("product", "p-mouse", Decimal("3")),
        EarnRule("category", "téléphones", Decimal("5")),
    ]
    assert line_multiplier(LAPTOP, rules) == Decimal("2")  # brand, case-insensitive
    assert line_multiplier(MOUSE, rules) == Decimal("3")
    assert line_multiplier(PricedLine("p-x", 1), rules) == ONE
    assert line_multiplier(PricedLine("p-x", 1, brand=None), [EarnRule("brand", "hp", ONE)]) == ONE


@pytest.mark.parametrize(
    ("subtotal", "discount", "paid"), [(500_000, 0, 500_000), (500_000, 50_000, 450_000),
                                       (500_000, 600_000, 0)]
)  # fmt: skip
def test_points_are_earned_on_what_is_paid_for_goods(subtotal, discount, paid):
    assert paid_for_goods(subtotal, discount) == paid


def test_an_order_earns_a_point_per_hundred_francs_paid_rounded_down():
    assert order_points([LAPTOP, MOUSE], 500_000, [], ONE, 100) == 5_000
    assert order_points([LAPTOP, MOUSE], 450_099, [], ONE, 100) == 4_500
    assert order_points([LAPTOP], 99, [], ONE, 100) == 0
    assert order_points([], 1_000, [], ONE, 100) == 0
    assert order_points([LAPTOP], 0, [], ONE, 100) == 0


def test_multipliers_apply_to_each_line_share_of_what_was_paid():
    rules = [EarnRule("product", "p-laptop", Decimal("2"))]
    # 10 % discount shared in proportion: laptop 360 000 ×2, mouse 90 000 ×1.
    assert order_points([LAPTOP, MOUSE], 450_000, rules, ONE, 100) == 8_100


def test_the_tier_multiplies_the_whole_order():
    assert order_points([LAPTOP, MOUSE], 500_000, [], Decimal("1.5"), 100) == 7_500
    assert order_points([MOUSE], 100_000, [], Decimal("1.25"), 100) == 1_250


def test_the_birthday_month():
    placed = datetime(2026, 11, 30, 23, tzinfo=UTC)
    assert in_birthday_month(date(1990, 11, 2), placed)
    assert not in_birthday_month(date(1990, 12, 2), placed)
    assert not in_birthday_month(None, placed)


@pytest.mark.parametrize(
    ("earned", "total", "refunded", "taken", "due"),
    [(5_000, 500_000, 0, 0, 0), (5_000, 500_000, 100_000, 0, 1_000),
     (5_000, 500_000, 250_000, 1_000, 1_500), (5_000, 500_000, 600_000, 2_500, 2_500),
     (5_000, 500_000, 500_000, 5_000, 0), (5_000, 0, 1, 0, 5_000), (0, 500_000, 500_000, 0, 0),
     (5_001, 300_000, 100_000, 0, 1_667)],
)  # fmt: skip
def test_refunds_take_back_in_proportion_of_everything_refunded(
    earned, total, refunded, taken, due
):
    assert refund_take_back(earned, total, refunded, taken) == due


def test_refunds_in_parts_take_back_exactly_what_one_refund_would():
    taken = 0
    refunded = 0
    for part in (100_000, 150_000, 250_000):
        refunded += part
        taken += refund_take_back(5_000, 500_000, refunded, taken)
    assert taken == 5_000


T0 = datetime(2026, 1, 1, tzinfo=UTC)
LOTS = [Lot(1_000, T0), Lot(500, T0 + timedelta(days=10)), Lot(2_000, T0 + timedelta(days=40))]


@pytest.mark.parametrize(
    ("spent", "days", "due"),
    [(0, -1, 0), (0, 0, 1_000), (0, 10, 1_500), (300, 10, 1_200), (1_500, 10, 0),
     (5_000, 100, 0), (0, 100, 3_500), (1_200, 40, 2_300)],
)  # fmt: skip
def test_the_oldest_points_expire_first_and_spending_uses_them_first(spent, days, due):
    assert unspent_by(LOTS, spent, T0 + timedelta(days=days)) == due


def test_when_the_oldest_unspent_points_expire():
    assert first_unspent_expiry(LOTS, 0) == T0
    assert first_unspent_expiry(LOTS, 1_000) == T0 + timedelta(days=10)
    assert first_unspent_expiry(LOTS, 1_499) == T0 + timedelta(days=10)
    assert first_unspent_expiry(LOTS, 3_500) is None


@pytest.mark.parametrize(
    ("requested", "available", "goods", "value", "percent", "result"),
    [(1_000, 5_000, 100_000, 1, 50, (1_000, 1_000)), (9_000, 5_000, 100_000, 1, 50, (5_000, 5_000)),
     (80_000, 90_000, 100_000, 1, 50, (50_000, 50_000)), (100, 100, 100_000, 5, 50, (100, 500)),
     (0, 100, 1_000, 1, 50, (0, 0)), (-5, 100, 1_000, 1, 50, (0, 0)),
     (10, 10, 3, 1, 50, (1, 1)), (10, 10, 1, 1, 50, (0, 0))],
)  # fmt: skip
def test_points_pay_at_most_the_balance_and_the_share_of_the_goods(
    requested, available, goods, value, percent, result
):
    assert redeemable(requested, available, goods, value, percent) == result
