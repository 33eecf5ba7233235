"""What each kind of promotion takes off a cart: amounts, scope, rounding (up, to the franc,
in the customer's favour) and the spreading of a discount over lines."""

from decimal import Decimal
from fractions import Fraction

import pytest

from itvision.engines.promotion.rules.allocation import allocate
from itvision.engines.promotion.rules.discounts import Discount, Remaining, discount_of
from itvision.engines.promotion.rules.offers import BundleItem, Kind
from itvision.engines.promotion.rules.reasons import Reason, Refusal
from tests.engines.promotion.factories import cart, line, offer


def off(o, c, left=None) -> Discount:
    found = discount_of(o, c, left or Remaining.of(c))
    assert isinstance(found, Discount), found
    return found


def refused(o, c) -> Reason:
    found = discount_of(o, c, Remaining.of(c))
    assert isinstance(found, Refusal), found
    return found.reason


# --- percentage -------------------------------------------------------------------------


def test_percentage_takes_the_rate_off_every_line_when_unscoped():
    c = cart(line("p1", 2, 10_000), line("p2", 1, 5_000))
    assert off(offer(discount_rate=Decimal("0.10")), c).lines == (2_000, 500)


def test_percentage_rounds_up_to_the_franc_once_per_promotion():
    # 999 × 10 % = 99.9 F → 100 F: the customer keeps the fraction.
    assert off(offer(discount_rate=Decimal("0.10")), cart(line("p1", 3, 333))).total == 100
    # 2 × 50.25 F = 100.5 F → 101 F, spread as 51 + 50 (not 51 + 51: rounded once).
    c = cart(line("p1", 1, 335), line("p2", 1, 335))
    assert off(offer(discount_rate=Decimal("0.15")), c).lines == (51, 50)


def test_percentage_is_capped_by_max_discount_amount():
    c = cart(line("p1", 1, 1_000_000))
    o = offer(discount_rate=Decimal("0.20"), max_discount_amount=50_000)
    assert off(o, c).total == 50_000


def test_a_full_percentage_never_takes_more_than_the_line_costs():
    c = cart(line("p1", 3, 333), line("p2", 1, 1))
    assert off(offer(discount_rate=Decimal("1")), c).lines == (999, 1)


def test_percentage_applies_to_what_earlier_promotions_left():
    c = cart(line("p1", 1, 10_000))
    left = Remaining((6_000,), 0)
    assert off(offer(discount_rate=Decimal("0.5")), c, left).lines == (3_000,)


@pytest.mark.parametrize(
    ("scope", "covered"),
    [
        ({"product_ids": {"p2"}}, (False, True, False)),
        ({"category_ids": {"laptops"}}, (True, False, False)),  # leaf category
        ({"category_ids": {"computers"}}, (True, True, False)),  # parent covers its subtree
        ({"brands": {"hp"}}, (True, False, False)),  # brand read without case
        ({"brands": {"Dell"}, "product_ids": {"p3"}}, (False, True, True)),  # either matches
    ],
)
def test_percentage_scope_by_product_category_subtree_and_brand(scope, covered):
    c = cart(
        line("p1", 1, 10_000, path=("computers", "laptops"), brand="HP"),
        line("p2", 1, 10_000, path=("computers", "desktops"), brand="dell"),
        line("p3", 1, 10_000, path=("phones",), brand=None),
    )
    found = off(offer(discount_rate=Decimal("0.10"), **scope), c)
    assert found.lines == tuple(1_000 if c else 0 for c in covered)


def test_percentage_with_nothing_in_scope_is_refused():
    c = cart(line("p1", 1, 10_000, path=("phones",)))
    assert refused(offer(category_ids={"laptops"}), c) is Reason.NO_ELIGIBLE_ITEM


# --- fixed amount -----------------------------------------------------------------------


def test_fixed_amount_is_spread_over_the_lines_in_scope_in_proportion():
    c = cart(line("p1", 1, 30_000), line("p2", 1, 10_000), line("p3", 1, 50_000))
    o = offer(Kind.FIXED_AMOUNT, discount_amount=4_000, product_ids={"p1", "p2"})
    assert off(o, c).lines == (3_000, 1_000, 0)


def test_fixed_amount_never_exceeds_what_it_discounts():
    c = cart(line("p1", 1, 3_000), line("p2", 1, 90_000), shipping_fee=2_000)
    o = offer(Kind.FIXED_AMOUNT, discount_amount=10_000, product_ids={"p1"})
    assert off(o, c) == Discount((3_000, 0), 0)


def test_fixed_amount_spread_in_whole_francs_adds_up_exactly():
    c = cart(line("p1", 1, 1_000), line("p2", 1, 1_000), line("p3", 1, 1_000))
    found = off(offer(Kind.FIXED_AMOUNT, discount_amount=1_000), c)
    assert found.total == 1_000
    assert sorted(found.lines) == [333, 333, 334]


# --- free shipping ----------------------------------------------------------------------


def test_free_shipping_waives_the_shipping_fee_only():
    c = cart(line("p1", 1, 10_000), shipping_fee=2_500)
    assert off(offer(Kind.FREE_SHIPPING), c) == Discount((0,), 2_500)


def test_free_shipping_without_a_fee_is_refused():
    assert refused(offer(Kind.FREE_SHIPPING), cart(line("p1", 1, 10_000))) is (
        Reason.NO_SHIPPING_FEE
    )


def test_scoped_free_shipping_needs_an_item_in_scope():
    c = cart(line("p1", 1, 10_000, brand="HP"), shipping_fee=2_000)
    assert refused(offer(Kind.FREE_SHIPPING, brands={"Lenovo"}), c) is Reason.NO_ELIGIBLE_ITEM
    assert off(offer(Kind.FREE_SHIPPING, brands={"hp"}), c).shipping == 2_000


# --- bundle -----------------------------------------------------------------------------


def bundle(price: int, *items: tuple[str, int]):
    return offer(
        Kind.BUNDLE, bundle_items=tuple(BundleItem(p, q) for p, q in items), bundle_price=price
    )


def test_bundle_sells_its_items_together_for_its_price():
    c = cart(line("laptop", 1, 300_000), line("mouse", 1, 15_000), line("bag", 1, 20_000))
    found = off(bundle(300_000, ("laptop", 1), ("mouse", 1)), c)
    assert found.total == 15_000
    assert found.lines[2] == 0
    assert c.lines[0].amount + c.lines[1].amount - found.items == 300_000


def test_bundle_counts_whole_bundles_only():
    c = cart(line("laptop", 2, 300_000), line("mouse", 3, 15_000))
    assert off(bundle(300_000, ("laptop", 1), ("mouse", 1)), c).total == 2 * 15_000
    c = cart(line("cable", 5, 2_000))
    assert off(bundle(5_000, ("cable", 3)), c).total == 1_000  # one bundle of 3, 2 left over


def test_incomplete_bundle_is_refused():
    c = cart(line("laptop", 1, 300_000))
    assert refused(bundle(300_000, ("laptop", 1), ("mouse", 1)), c) is Reason.BUNDLE_INCOMPLETE


def test_bundle_takes_the_most_expensive_units_of_a_product():
    # The same product in two variants (two SKUs): the bundle takes the dearer unit.
    c = cart(
        line("ram", 1, 20_000, sku="RAM-8"),
        line("ram", 1, 35_000, sku="RAM-16"),
        line("ssd", 1, 40_000),
    )
    found = off(bundle(60_000, ("ram", 1), ("ssd", 1)), c)
    assert found.total == 15_000
    assert found.lines[0] == 0


def test_bundle_dearer_than_its_items_gives_nothing():
    c = cart(line("a", 1, 10_000), line("b", 1, 10_000))
    assert off(bundle(25_000, ("a", 1), ("b", 1)), c).total == 0


# --- buy X get Y ------------------------------------------------------------------------


def bxgy(buy: int, get: int, **fields):
    return offer(Kind.BUY_X_GET_Y, buy_quantity=buy, get_quantity=get, **fields)


@pytest.mark.parametrize(("units", "free"), [(3, 1), (5, 1), (6, 2), (9, 3)])
def test_buy_two_get_one_counts_complete_sets(units, free):
    assert off(bxgy(2, 1), cart(line("p1", units, 10_000))).total == free * 10_000


def test_buy_x_get_y_frees_the_cheapest_unit_of_each_set_sorted_dearest_first():
    c = cart(
        line("a", 1, 100), line("b", 1, 90), line("c", 1, 80),
        line("d", 1, 70), line("e", 1, 60), line("f", 1, 50),
    )  # fmt: skip
    assert off(bxgy(2, 1), c).lines == (0, 0, 80, 0, 0, 50)


def test_buy_x_get_y_at_a_rate_off_instead_of_free():
    c = cart(line("p1", 2, 10_000))
    assert off(bxgy(1, 1, discount_rate=Decimal("0.5")), c).total == 5_000


def test_buy_x_get_y_below_one_set_is_refused_with_the_quantity_needed():
    found = discount_of(bxgy(2, 1), cart(line("p1", 2, 10_000)), Remaining((20_000,), 0))
    assert isinstance(found, Refusal)
    assert found.reason is Reason.MIN_QUANTITY_NOT_REACHED
    assert "3 articles" in found.message_fr


def test_buy_x_get_y_counts_only_units_in_scope():
    c = cart(line("p1", 2, 10_000, brand="HP"), line("p2", 5, 1_000, brand="Dell"))
    assert off(bxgy(1, 1, brands={"HP"}), c).lines == (10_000, 0)


# --- allocation -------------------------------------------------------------------------


def test_allocation_adds_up_and_respects_caps():
    shares = allocate(10, [Fraction(1), Fraction(1), Fraction(1)], [10, 10, 10])
    assert sum(shares) == 10 and sorted(shares) == [3, 3, 4]
    assert allocate(5, [Fraction(9), Fraction(1)], [3, 10]) == [3, 2]
    assert allocate(0, [Fraction(1)], [5]) == [0]


def test_allocation_refuses_more_than_the_caps_hold():
    with pytest.raises(ValueError):
        allocate(7, [Fraction(1), Fraction(1)], [3, 3])
