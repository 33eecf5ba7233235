"""Cart evaluation: conditions (dates, limits, minimums), the reason of every code not applied
in French and English, and stacking (exclusive vs combinable, priority order)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from itvision.engines.promotion.rules.evaluation import UsageCount, evaluate
from itvision.engines.promotion.rules.offers import BundleItem, Kind
from itvision.engines.promotion.rules.reasons import Reason
from tests.engines.promotion.factories import NOW, T0, cart, line, offer

BASKET = cart(line("p1", 2, 50_000, path=("pc", "laptops"), brand="HP"), shipping_fee=2_000)


def run(c, offers, codes=(), usage=None, now=NOW):
    return evaluate(c, offers, list(codes), usage or {}, now)


def refusal_of(result, code):
    (found,) = [r for r in result.refused if r.code == code]
    return found.refusal


# --- codes and their reasons ------------------------------------------------------------


def test_a_code_applies_with_its_amount():
    o = offer(code="BIENVENUE", discount_rate=Decimal("0.10"))
    result = run(BASKET, [o], ["BIENVENUE"])
    assert [(a.offer.code, a.discount.total) for a in result.applied] == [("BIENVENUE", 10_000)]
    assert result.refused == ()
    assert result.discount_total == 10_000
    assert result.total == 100_000 + 2_000 - 10_000


def test_codes_are_read_without_case_or_spaces_and_once():
    o = offer(code="TABASKI", discount_rate=Decimal("0.10"))
    result = run(BASKET, [o], [" tabaski ", "Tabaski", ""])
    assert len(result.applied) == 1 and result.refused == ()


REASONS = [
    # (offer fields, usage, reason, French words, English words)
    ({"active": False}, None, Reason.INACTIVE, "code désactivé", "deactivated"),
    ({"starts_at": NOW + timedelta(days=1)}, None, Reason.NOT_STARTED, "26/11/2026", "not valid"),
    ({"ends_at": NOW}, None, Reason.EXPIRED, "code expiré", "code expired"),
    ({"usage_limit": 100}, UsageCount(100, 0), Reason.USAGE_LIMIT_REACHED, "épuisé", "limit"),
    (
        {"usage_limit_per_customer": 1},
        UsageCount(1, 1),
        Reason.CUSTOMER_LIMIT_REACHED,
        "déjà utilisé ce code",
        "already used",
    ),
    (
        {"min_order_amount": 150_000},
        None,
        Reason.MIN_AMOUNT_NOT_REACHED,
        "montant minimum non atteint : 150\u202f000\u00a0F\u00a0CFA",
        "minimum order amount not reached",
    ),
    (
        {"min_quantity": 3},
        None,
        Reason.MIN_QUANTITY_NOT_REACHED,
        "quantité minimum non atteinte : 3 articles",
        "3 qualifying items",
    ),
    (
        {"category_ids": {"phones"}},
        None,
        Reason.NO_ELIGIBLE_ITEM,
        "aucun article du panier",
        "no item in the cart",
    ),
]


@pytest.mark.parametrize(("fields", "usage", "reason", "fr", "en"), REASONS)
def test_each_refused_code_says_why_in_french_and_english(fields, usage, reason, fr, en):
    o = offer(code="PROMO", **fields)
    result = run(BASKET, [o], ["PROMO"], {o.id: usage} if usage else None)
    assert result.applied == ()
    refusal = refusal_of(result, "PROMO")
    assert refusal.reason is reason
    assert fr in refusal.message_fr
    assert en in refusal.message_en
    assert refusal.message_fr != refusal.message_en


def test_an_unknown_code_is_refused():
    refusal = refusal_of(run(BASKET, [], ["NOPE"]), "NOPE")
    assert (refusal.reason, refusal.message_fr, refusal.message_en) == (
        Reason.UNKNOWN_CODE,
        "code inconnu",
        "unknown code",
    )


def test_kind_specific_reasons():
    no_fee = cart(line("p1", 1, 10_000))
    ship = offer(Kind.FREE_SHIPPING, code="LIVRAISON")
    assert refusal_of(run(no_fee, [ship], ["LIVRAISON"]), "LIVRAISON").reason is (
        Reason.NO_SHIPPING_FEE
    )
    lot = offer(
        Kind.BUNDLE,
        code="LOT",
        bundle_items=(BundleItem("p1", 1), BundleItem("p9", 1)),
        bundle_price=5_000,
    )
    assert refusal_of(run(no_fee, [lot], ["LOT"]), "LOT").reason is Reason.BUNDLE_INCOMPLETE


def test_a_code_valid_in_its_dates_applies_from_start_until_just_before_end():
    o = offer(code="FLASH", starts_at=NOW, ends_at=NOW + timedelta(hours=2))
    assert run(BASKET, [o], ["FLASH"]).applied
    assert run(BASKET, [o], ["FLASH"], now=NOW + timedelta(hours=2) - timedelta(seconds=1)).applied
    assert not run(BASKET, [o], ["FLASH"], now=NOW + timedelta(hours=2)).applied


def test_limits_count_reserved_and_redeemed_usages_below_the_limit():
    o = offer(code="CENT", usage_limit=100, usage_limit_per_customer=2)
    assert run(BASKET, [o], ["CENT"], {o.id: UsageCount(99, 1)}).applied
    assert not run(BASKET, [o], ["CENT"], {o.id: UsageCount(99, 2)}).applied


def test_an_anonymous_preview_cannot_read_the_per_customer_limit():
    o = offer(code="UNEFOIS", usage_limit_per_customer=1)
    anonymous = cart(*BASKET.lines, customer_id=None)
    assert run(anonymous, [o], ["UNEFOIS"], {o.id: UsageCount(5, 0)}).applied


def test_minimum_amount_is_read_on_the_items_before_discount_and_without_shipping():
    o = offer(code="MIN", min_order_amount=100_000)
    assert run(BASKET, [o], ["MIN"]).applied  # 100 000 items exactly
    short = cart(line("p1", 1, 99_999), shipping_fee=5_000)
    assert not run(short, [o], ["MIN"]).applied


def test_minimum_quantity_counts_units_in_scope():
    c = cart(line("p1", 2, 1_000, brand="HP"), line("p2", 5, 1_000, brand="Dell"))
    assert not run(c, [offer(code="Q", brands={"HP"}, min_quantity=3)], ["Q"]).applied
    assert run(c, [offer(code="Q", brands={"Dell"}, min_quantity=3)], ["Q"]).applied


# --- automatic sales --------------------------------------------------------------------


def test_an_automatic_sale_applies_without_a_code():
    sale = offer(discount_rate=Decimal("0.20"), category_ids={"pc"})
    result = run(BASKET, [sale])
    assert [a.discount.total for a in result.applied] == [20_000]


def test_an_automatic_sale_out_of_its_dates_is_left_out_silently():
    sale = offer(ends_at=NOW - timedelta(seconds=1))
    result = run(BASKET, [sale])
    assert result.applied == () and result.refused == ()


# --- stacking ---------------------------------------------------------------------------


def test_combinable_promotions_apply_in_priority_order_each_on_what_is_left():
    c = cart(line("p1", 1, 100_000))
    rate = offer(code="DIX", discount_rate=Decimal("0.10"), priority=10)
    fixed = offer(Kind.FIXED_AMOUNT, code="CINQ", discount_amount=5_000, priority=1)
    result = run(c, [rate, fixed], ["CINQ", "DIX"])
    assert [(a.offer.code, a.discount.total) for a in result.applied] == [
        ("DIX", 10_000),
        ("CINQ", 5_000),
    ]
    fixed_first = offer(Kind.FIXED_AMOUNT, code="CINQ", discount_amount=5_000, priority=20)
    result = run(c, [rate, fixed_first], ["CINQ", "DIX"])
    assert [a.discount.total for a in result.applied] == [5_000, 9_500]


def test_two_percentages_compound():
    c = cart(line("p1", 1, 100_000))
    sale = offer(discount_rate=Decimal("0.10"), priority=5)
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    assert run(c, [sale, code], ["DIX"]).discount_total == 19_000


def test_a_better_exclusive_applies_alone_and_the_others_are_not_combinable():
    sale = offer(discount_rate=Decimal("0.05"))
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    vip = offer(code="VIP", discount_rate=Decimal("0.30"), exclusive=True)
    result = run(BASKET, [sale, code, vip], ["DIX", "VIP"])
    assert [a.offer.code for a in result.applied] == ["VIP"]
    assert result.discount_total == 30_000
    assert refusal_of(result, "DIX").reason is Reason.NOT_COMBINABLE
    assert "non cumulable" in refusal_of(result, "DIX").message_fr


def test_a_weaker_exclusive_loses_to_the_combinable_set():
    sale = offer(discount_rate=Decimal("0.20"))
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    solo = offer(code="SOLO", discount_rate=Decimal("0.25"), exclusive=True)
    result = run(BASKET, [sale, code, solo], ["SOLO", "DIX"])
    assert {a.offer.id for a in result.applied} == {sale.id, code.id}  # 28 % > 25 %
    assert refusal_of(result, "SOLO").reason is Reason.NOT_COMBINABLE


def test_a_tie_goes_to_the_combinable_set():
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    solo = offer(code="SOLO", discount_rate=Decimal("0.10"), exclusive=True)
    result = run(BASKET, [code, solo], ["SOLO", "DIX"])
    assert [a.offer.code for a in result.applied] == ["DIX"]


def test_between_exclusives_the_best_wins_and_a_tie_goes_to_priority():
    a = offer(code="A", discount_rate=Decimal("0.10"), exclusive=True)
    b = offer(code="B", discount_rate=Decimal("0.15"), exclusive=True)
    assert [x.offer.code for x in run(BASKET, [a, b], ["A", "B"]).applied] == ["B"]
    low = offer(code="LOW", discount_rate=Decimal("0.10"), exclusive=True, priority=1)
    high = offer(code="HIGH", discount_rate=Decimal("0.10"), exclusive=True, priority=9)
    result = run(BASKET, [low, high], ["LOW", "HIGH"])
    assert [x.offer.code for x in result.applied] == ["HIGH"]
    assert refusal_of(result, "LOW").reason is Reason.NOT_COMBINABLE


def test_an_exclusive_automatic_sale_competes_too():
    flash = offer(discount_rate=Decimal("0.40"), exclusive=True)
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    result = run(BASKET, [flash, code], ["DIX"])
    assert [a.offer.id for a in result.applied] == [flash.id]
    assert refusal_of(result, "DIX").reason is Reason.NOT_COMBINABLE


def test_a_combinable_code_with_nothing_left_to_discount_gives_no_saving():
    free = offer(discount_rate=Decimal("1"), priority=10)
    code = offer(Kind.FIXED_AMOUNT, code="CINQ", discount_amount=5_000)
    result = run(cart(line("p1", 1, 10_000)), [free, code], ["CINQ"])
    assert result.discount_total == 10_000
    assert refusal_of(result, "CINQ").reason is Reason.NO_SAVING


def test_free_shipping_stacks_with_item_discounts():
    ship = offer(Kind.FREE_SHIPPING, code="LIVRAISON")
    code = offer(code="DIX", discount_rate=Decimal("0.10"))
    result = run(BASKET, [ship, code], ["LIVRAISON", "DIX"])
    assert (result.items_discount, result.shipping_discount) == (10_000, 2_000)


def test_the_total_discount_never_exceeds_the_cart_nor_any_line():
    rng = random.Random(20261125)
    kinds = list(Kind)
    for _ in range(300):
        lines = [
            line(f"p{i}", rng.randint(1, 4), rng.randint(0, 60_000), brand=rng.choice("AB"))
            for i in range(rng.randint(1, 4))
        ]
        c = cart(*lines, shipping_fee=rng.choice([0, 1_500]))
        offers = []
        for n in range(rng.randint(1, 5)):
            kind = rng.choice(kinds)
            fields = {"priority": rng.randint(0, 3), "exclusive": rng.random() < 0.2}
            if kind is Kind.PERCENTAGE:
                fields["discount_rate"] = Decimal(rng.randint(1, 100)) / 100
            elif kind is Kind.FIXED_AMOUNT:
                fields["discount_amount"] = rng.randint(1, 200_000)
            elif kind is Kind.BUNDLE:
                fields["bundle_items"] = (BundleItem("p0", 1), BundleItem("p1", 1))
                fields["bundle_price"] = rng.randint(1, 50_000)
            if rng.random() < 0.5:
                fields["brands"] = {rng.choice("AB")} if kind is not Kind.BUNDLE else set()
            offers.append(offer(kind, code=f"C{n}", **{k: v for k, v in fields.items() if v}))
        result = run(c, offers, [o.code for o in offers])
        assert 0 <= result.discount_total <= c.total
        assert result.shipping_discount <= c.shipping_fee
        for i, cart_line in enumerate(c.lines):
            assert sum(a.discount.lines[i] for a in result.applied) <= cart_line.amount
        assert len(result.applied) + len(result.refused) == len(offers)


def test_the_start_date_in_the_reason_is_dakar_time():
    o = offer(code="NOEL", starts_at=T0.replace(month=12, day=24, hour=18))
    refusal = refusal_of(run(BASKET, [o], ["NOEL"], now=T0), "NOEL")
    assert "24/12/2026 à 18:00" in refusal.message_fr
