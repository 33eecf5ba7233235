"""A promotion's definition is checked as a whole (each refusal names the field), and its live
state follows its dates, its activation and its paid usages."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from itvision.engines.promotion.rules.lifecycle import end_reason, is_live
from itvision.engines.promotion.rules.offers import BundleItem, Kind, check_offer, normalize_code
from itvision.platform.errors import InvalidInput
from tests.engines.promotion.factories import NOW, T0, offer


@pytest.mark.parametrize("kind", list(Kind))
def test_a_complete_definition_of_each_kind_passes(kind):
    check_offer(offer(kind))


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (Kind.PERCENTAGE, {"discount_rate": None}, "discount_rate"),
        (Kind.PERCENTAGE, {"discount_rate": Decimal("1.5")}, "discount_rate"),
        (Kind.PERCENTAGE, {"discount_amount": 500}, "discount_amount"),
        (Kind.FIXED_AMOUNT, {"discount_amount": None}, "discount_amount"),
        (Kind.FIXED_AMOUNT, {"max_discount_amount": 500}, "max_discount_amount"),
        (Kind.FREE_SHIPPING, {"discount_rate": Decimal("0.1")}, "discount_rate"),
        (Kind.BUNDLE, {"bundle_price": None}, "bundle_price"),
        (Kind.BUNDLE, {"bundle_items": ()}, "bundle_items"),
        (Kind.BUNDLE, {"bundle_items": (BundleItem("a", 1),)}, "bundle_items"),
        (Kind.BUNDLE, {"bundle_items": (BundleItem("a", 1), BundleItem("a", 2))}, "bundle_items"),
        (Kind.BUNDLE, {"product_ids": frozenset({"a"})}, "product_ids"),
        (Kind.BUY_X_GET_Y, {"get_quantity": None}, "get_quantity"),
        (Kind.BUY_X_GET_Y, {"bundle_price": 10}, "bundle_price"),
        (Kind.PERCENTAGE, {"ends_at": T0}, "ends_at"),
        (Kind.PERCENTAGE, {"usage_limit": 10}, "usage_limit"),
        (Kind.PERCENTAGE, {"usage_limit_per_customer": 1}, "usage_limit_per_customer"),
        (
            Kind.PERCENTAGE,
            {"code": "X", "usage_limit": 1, "usage_limit_per_customer": 2},
            "usage_limit_per_customer",
        ),
    ],
)
def test_a_definition_that_cannot_apply_is_refused_naming_the_field(kind, fields, field):
    with pytest.raises(InvalidInput) as caught:
        check_offer(replace(offer(kind), **fields))
    assert caught.value.field == field


def test_a_bundle_of_two_units_of_one_product_is_a_bundle():
    check_offer(offer(Kind.BUNDLE, bundle_items=(BundleItem("cable", 2),)))


def test_codes_are_normalized():
    assert normalize_code("  bienvenue-2026 ") == "BIENVENUE-2026"


def test_a_promotion_is_live_when_active_in_its_dates_and_not_used_up():
    o = offer(code="X", starts_at=NOW, ends_at=NOW + timedelta(days=1), usage_limit=2)
    assert not is_live(o, NOW - timedelta(seconds=1), 0)
    assert is_live(o, NOW, 1)
    assert not is_live(o, NOW, 2)
    assert not is_live(o, NOW + timedelta(days=1), 0)
    assert not is_live(replace(o, active=False), NOW, 0)


def test_why_a_campaign_ended():
    o = offer(code="X", starts_at=T0, ends_at=NOW, usage_limit=2)
    assert end_reason(o, NOW, 0) == "scheduled"
    assert end_reason(o, NOW - timedelta(hours=1), 2) == "usage_limit_reached"
    assert end_reason(replace(o, active=False), NOW, 2) == "manual"
    assert end_reason(replace(o, starts_at=NOW), T0, 0) == "manual"  # moved to the future
