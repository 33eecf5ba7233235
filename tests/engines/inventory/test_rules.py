"""The inventory rules, as pure functions: availability, allocation, expiry, sale and release
bounds, adjustments and counts, refunds, alert crossings, the reorder formula, drift."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from itvision.engines.inventory import rules
from itvision.engines.inventory.rules import (
    AlertState,
    Allocation,
    InsufficientStock,
    LevelQuantities,
    LocationRef,
)
from itvision.platform.errors import Conflict

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_available_is_on_hand_minus_reserved():
    assert rules.available(10, 3) == 7
    assert rules.available(5, 5) == 0


def test_locations_of_the_delivery_country_come_first_then_defaults_then_by_code():
    locations = [
        LocationRef("abidjan", "CI", True),
        LocationRef("dakar", "SN", True),
        LocationRef("thies", "SN", False),
        LocationRef("bouake", "CI", False),
    ]
    assert rules.location_preference(locations, "CI") == ["abidjan", "bouake", "dakar", "thies"]
    assert rules.location_preference(locations, "SN") == ["dakar", "thies", "abidjan", "bouake"]
    assert rules.location_preference(locations, None) == ["abidjan", "dakar", "bouake", "thies"]


def test_a_line_comes_from_the_first_location_that_can_fill_it():
    assert rules.allocate("SKU", 3, [("dakar", 5), ("abidjan", 9)]) == [
        Allocation("SKU", "dakar", 3)
    ]


def test_a_line_is_split_only_when_the_first_location_is_short():
    assert rules.allocate("SKU", 7, [("dakar", 5), ("abidjan", 9)]) == [
        Allocation("SKU", "dakar", 5),
        Allocation("SKU", "abidjan", 2),
    ]


def test_a_location_with_nothing_free_is_skipped():
    assert rules.allocate("SKU", 2, [("dakar", 0), ("abidjan", 2)]) == [
        Allocation("SKU", "abidjan", 2)
    ]


def test_the_last_unit_can_be_reserved_but_not_one_more():
    assert rules.allocate("SKU", 1, [("dakar", 1)]) == [Allocation("SKU", "dakar", 1)]
    with pytest.raises(InsufficientStock) as raised:
        rules.allocate("SKU", 2, [("dakar", 1)])
    assert raised.value.status == 409
    assert raised.value.code == "insufficient_stock"
    assert raised.value.field == "sku"
    assert (raised.value.requested, raised.value.available) == (2, 1)


def test_nothing_anywhere_is_insufficient_stock():
    with pytest.raises(InsufficientStock):
        rules.allocate("SKU", 1, [])


def test_a_reservation_holds_a_positive_quantity():
    with pytest.raises(ValueError):
        rules.allocate("SKU", 0, [("dakar", 5)])


def test_requested_quantities_add_up_lines_of_one_sku_in_sku_order():
    assert rules.requested_quantities([("B", 1), ("A", 2), ("B", 3)]) == {"A": 2, "B": 4}
    assert list(rules.requested_quantities([("B", 1), ("A", 2)])) == ["A", "B"]


def test_unpaid_reservations_lapse_after_minutes_cash_on_delivery_after_hours():
    def expiry(method: str) -> datetime:
        return rules.reservation_expiry(NOW, method, minutes=60, cash_on_delivery_hours=48)

    assert expiry("wave") == NOW + timedelta(minutes=60)
    assert expiry("orange_money") == NOW + timedelta(minutes=60)
    assert expiry("card") == NOW + timedelta(minutes=60)
    assert expiry("cash_on_delivery") == NOW + timedelta(hours=48)


@pytest.mark.parametrize(
    ("status", "target", "allowed"),
    [
        ("active", "released", True),
        ("active", "expired", True),
        ("active", "sold", True),
        ("expired", "active", True),
        ("sold", "returned", True),
        ("released", "sold", False),
        ("sold", "released", False),
        ("returned", "sold", False),
        ("refused", "active", False),
        ("expired", "sold", False),
    ],
)
def test_reservation_transitions(status, target, allowed):
    if allowed:
        rules.ensure_transition(status, target)
    else:
        with pytest.raises(Conflict) as raised:
            rules.ensure_transition(status, target)
        assert raised.value.field == "status"


def test_a_release_never_takes_reserved_below_zero():
    assert rules.release_delta(5, 3) == -3
    assert rules.release_delta(2, 3) == -2
    assert rules.release_delta(0, 3) == 0


def test_a_sale_lowers_on_hand_and_reserved_together():
    assert rules.sale_deltas(10, 4, 4) == (-4, -4)


def test_a_sale_on_a_drifted_level_stays_within_bounds():
    # reserved lost 2 units (drift): 3 leave, only 1 was still counted as reserved.
    on_hand_delta, reserved_delta = rules.sale_deltas(10, 1, 3)
    assert (on_hand_delta, reserved_delta) == (-3, -1)
    on_hand_delta, reserved_delta = rules.sale_deltas(2, 2, 3)
    assert (on_hand_delta, reserved_delta) == (-2, -2)


def test_an_adjustment_cannot_leave_less_on_hand_than_is_reserved():
    rules.check_adjustment(10, 4, -6)
    rules.check_adjustment(10, 4, 5)
    with pytest.raises(Conflict) as raised:
        rules.check_adjustment(10, 4, -7)
    assert raised.value.field == "delta"
    with pytest.raises(Conflict):
        rules.check_adjustment(10, 4, 0)


def test_a_count_sets_on_hand_to_what_was_counted():
    assert rules.count_delta(10, 2, 7) == -3
    assert rules.count_delta(10, 2, 12) == 2
    assert rules.count_delta(10, 2, 10) == 0
    with pytest.raises(Conflict) as raised:
        rules.count_delta(10, 4, 3)
    assert raised.value.field == "counted"


@pytest.mark.parametrize(
    ("reason", "partial", "restocks"),
    [
        ("returned", False, True),
        ("cancelled", False, True),
        ("not_delivered", False, True),
        ("damaged", False, False),
        ("commercial_gesture", False, False),
        ("returned", True, False),
    ],
)
def test_which_refunds_put_goods_back_on_the_shelf(reason, partial, restocks):
    assert rules.refund_restocks(reason, partial) is restocks


def test_a_refund_naming_what_came_back_restocks_those_units_only():
    lines = [("A", 1), ("B", 2), ("A", 1)]
    assert rules.returned_quantities("returned", lines) == {"A": 2, "B": 2}
    assert rules.returned_quantities("damaged", lines) == {}
    assert rules.returned_quantities("commercial_gesture", lines) == {}
    assert rules.returned_quantities("returned", []) == {}


def test_reorder_formula_worked_example():
    plan = rules.reorder_plan(
        units_sold=60,
        velocity_days=30,
        lead_time_days=7,
        safety_stock=5,
        coverage_days=30,
        available=19,
    )
    assert plan.daily_velocity == Fraction(2)
    assert plan.reorder_point == 19
    assert plan.order_up_to == 79
    assert plan.suggested_quantity == 60


def test_reorder_formula_rounds_partial_units_up():
    plan = rules.reorder_plan(
        units_sold=10,
        velocity_days=30,
        lead_time_days=7,
        safety_stock=0,
        coverage_days=30,
        available=0,
    )
    assert plan.daily_velocity == Fraction(1, 3)
    assert plan.reorder_point == 3  # ⌈7/3⌉
    assert plan.order_up_to == 13  # 3 + ⌈30/3⌉
    assert plan.suggested_quantity == 13


def test_without_sales_the_reorder_point_is_the_safety_stock():
    plan = rules.reorder_plan(
        units_sold=0,
        velocity_days=30,
        lead_time_days=7,
        safety_stock=4,
        coverage_days=30,
        available=10,
    )
    assert (plan.reorder_point, plan.suggested_quantity) == (4, 0)


def test_a_suggestion_is_never_negative():
    plan = rules.reorder_plan(
        units_sold=30,
        velocity_days=30,
        lead_time_days=7,
        safety_stock=0,
        coverage_days=30,
        available=500,
    )
    assert plan.suggested_quantity == 0


def test_a_sale_counts_on_its_utc_day():
    an_hour_ahead = datetime(2026, 12, 2, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert rules.sales_day(an_hour_ahead) == date(2026, 12, 1)
    assert rules.sales_day(datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)) == date(2026, 12, 1)
    assert rules.sales_day(datetime(2026, 12, 2, 0, 0, tzinfo=UTC)) == date(2026, 12, 2)


def test_the_velocity_window_is_the_last_n_utc_days_today_included():
    just_after_midnight = datetime(2026, 12, 2, 0, 0, 30, tzinfo=UTC)
    assert rules.first_sales_day(just_after_midnight, 30) == date(2026, 11, 3)
    assert rules.first_sales_day(datetime(2026, 12, 2, 23, 59, tzinfo=UTC), 30) == date(2026, 11, 3)
    assert rules.first_sales_day(just_after_midnight, 1) == date(2026, 12, 2)  # today only
    an_hour_ahead = datetime(2026, 12, 2, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert rules.first_sales_day(an_hour_ahead, 30) == date(2026, 11, 2)


def _plan(reorder_point: int, suggested: int) -> rules.ReorderPlan:
    return rules.ReorderPlan(Fraction(1), reorder_point, reorder_point + 10, suggested)


CLEAR = AlertState(low=False, depleted=False, reorder=False)


def test_falling_to_the_threshold_is_low_once():
    first = rules.decide_alerts(5, threshold=5, plan=_plan(0, 0), state=CLEAR)
    assert (first.low, first.depleted, first.reorder) == (True, False, False)
    again = rules.decide_alerts(4, threshold=5, plan=_plan(0, 0), state=first.state)
    assert not again.low


def test_above_the_threshold_nothing_is_sent_and_the_crossing_is_forgotten():
    alerts = rules.decide_alerts(
        6, threshold=5, plan=_plan(0, 0), state=AlertState(True, True, True)
    )
    assert (alerts.low, alerts.depleted, alerts.reorder) == (False, False, False)
    assert alerts.state == CLEAR


def test_running_out_is_depleted_not_also_low():
    alerts = rules.decide_alerts(0, threshold=5, plan=_plan(0, 0), state=CLEAR)
    assert (alerts.low, alerts.depleted) == (False, True)
    # Coming back to 2 (still under the threshold) is the same crossing: no new low.
    back = rules.decide_alerts(2, threshold=5, plan=_plan(0, 0), state=alerts.state)
    assert not back.low and not back.depleted


def test_a_threshold_of_zero_only_reports_depletion():
    alerts = rules.decide_alerts(1, threshold=0, plan=_plan(0, 0), state=CLEAR)
    assert not alerts.low


def test_reorder_is_suggested_at_the_reorder_point_once():
    first = rules.decide_alerts(9, threshold=2, plan=_plan(9, 30), state=CLEAR)
    assert first.reorder
    again = rules.decide_alerts(8, threshold=2, plan=_plan(9, 31), state=first.state)
    assert not again.reorder
    above = rules.decide_alerts(10, threshold=2, plan=_plan(9, 29), state=again.state)
    assert not above.state.reorder
    crossing_again = rules.decide_alerts(9, threshold=2, plan=_plan(9, 30), state=above.state)
    assert crossing_again.reorder


def test_no_reorder_without_a_quantity_to_suggest():
    alerts = rules.decide_alerts(0, threshold=0, plan=_plan(0, 0), state=CLEAR)
    assert not alerts.reorder


def test_drift_compares_reserved_with_open_reservations_and_on_hand_with_the_ledger():
    levels = [
        LevelQuantities("A", "dakar", 10, 3),
        LevelQuantities("B", "dakar", 12, 0),
        LevelQuantities("C", "abidjan", 5, 2),
    ]
    open_reserved = {("A", "dakar"): 3, ("C", "abidjan"): 1}
    ledger = {("A", "dakar"): 10, ("B", "dakar"): 10, ("C", "abidjan"): 5}
    drifts = rules.find_drifts(levels, open_reserved, ledger)
    assert [(d.sku, d.quantity, d.recorded, d.expected, d.difference) for d in drifts] == [
        ("B", "on_hand", 12, 10, 2),
        ("C", "reserved", 2, 1, 1),
    ]
