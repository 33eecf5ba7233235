"""The order rules as pure functions: the state machine (every status against every target),
how an order advances on what the saga said (every combination of facts), expiry, totals and
VAT, quotes, refunds, cart limits and the timeline's words."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from itvision.engines.order.rules import carts, lifecycle, quotes, refunds, timeline
from itvision.engines.order.rules.lifecycle import STATUSES, InvalidTransition, Progress
from itvision.engines.order.rules.totals import LineAmount, Totals, totals_of, vat_inside
from itvision.platform.errors import Conflict, InvalidInput

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# The whole machine, spelled out once more: (from, to) pairs that are allowed.
ALLOWED = {
    ("placed", "stock_reserved"),
    ("placed", "cancelled"),
    ("stock_reserved", "awaiting_payment"),
    ("stock_reserved", "confirmed"),
    ("stock_reserved", "cancelled"),
    ("awaiting_payment", "paid"),
    ("awaiting_payment", "cancelled"),
    ("paid", "confirmed"),
    ("paid", "cancelled"),
    ("confirmed", "shipped"),
    ("confirmed", "cancelled"),
    ("shipped", "delivered"),
    ("delivered", "refunded"),
    ("delivered", "partially_refunded"),
    ("partially_refunded", "partially_refunded"),
    ("partially_refunded", "refunded"),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_every_transition_is_allowed_or_refused_with_the_current_and_allowed_statuses(
    current, target
):
    if (current, target) in ALLOWED:
        lifecycle.ensure_transition(current, target)
        assert lifecycle.may_become(current, target)
        return
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.ensure_transition(current, target)
    error = refused.value
    assert (error.status, error.code, error.field) == (409, "invalid_transition", "status")
    assert error.current == current
    assert error.allowed == [t for t in STATUSES if (current, t) in ALLOWED]


def test_an_order_can_be_cancelled_only_before_it_ships():
    cancellable = [s for s in STATUSES if lifecycle.may_become(s, "cancelled")]
    assert cancellable == ["placed", "stock_reserved", "awaiting_payment", "paid", "confirmed"]


def _expected_path(status: str, p: Progress) -> list[str]:
    """The same walk, written as the issue says it, to check `advance` against: from each
    step, what it takes to reach the next."""
    order = ["placed", "stock_reserved", "awaiting_payment", "paid", "confirmed", "shipped",
             "delivered"]  # fmt: skip
    if status not in order:
        return []
    if p.cash_on_delivery and status not in ("awaiting_payment", "paid"):
        order.remove("awaiting_payment")
        order.remove("paid")
    takes = {
        "stock_reserved": p.reserved,
        "awaiting_payment": True,
        "paid": p.paid,
        "confirmed": True,
        "shipped": p.dispatched or p.delivered,
        "delivered": p.delivered,
    }
    path = []
    for step in order[order.index(status) + 1 :]:
        if not takes[step]:
            break
        path.append(step)
    return path


PROGRESSES = [Progress(*facts) for facts in itertools.product([False, True], repeat=5)]


@pytest.mark.parametrize("status", STATUSES)
def test_an_order_advances_as_far_as_what_the_saga_said_allows(status):
    for progress in PROGRESSES:
        assert lifecycle.advance(status, progress) == _expected_path(status, progress), progress


def test_a_payment_before_the_reservation_confirms_the_order_once_the_stock_is_reserved():
    paid_first = Progress(cash_on_delivery=False, paid=True)
    assert lifecycle.advance("placed", paid_first) == []
    both = Progress(cash_on_delivery=False, paid=True, reserved=True)
    assert lifecycle.advance("placed", both) == [
        "stock_reserved", "awaiting_payment", "paid", "confirmed"
    ]  # fmt: skip
    cash = Progress(cash_on_delivery=True, reserved=True)
    assert lifecycle.advance("placed", cash) == ["stock_reserved", "confirmed"]


def test_a_delivery_reported_before_its_dispatch_ships_then_delivers():
    progress = Progress(cash_on_delivery=True, reserved=True, delivered=True)
    assert lifecycle.advance("confirmed", progress) == ["shipped", "delivered"]


def test_refusal_and_payment_failure_cancel_only_an_order_still_waiting():
    assert [s for s in STATUSES if lifecycle.cancels_on_refusal(s)] == ["placed"]
    waiting = Progress(cash_on_delivery=False)
    assert [s for s in STATUSES if lifecycle.cancels_on_payment_failure(s, waiting)] == [
        "placed", "stock_reserved", "awaiting_payment"
    ]  # fmt: skip
    paid = Progress(cash_on_delivery=False, paid=True)
    assert not any(lifecycle.cancels_on_payment_failure(s, paid) for s in STATUSES)
    cash = Progress(cash_on_delivery=True)
    assert not any(lifecycle.cancels_on_payment_failure(s, cash) for s in STATUSES)


@pytest.mark.parametrize("status", STATUSES)
def test_only_an_unpaid_mobile_money_order_past_its_deadline_is_overdue(status):
    unpaid = Progress(cash_on_delivery=False)
    past, future = NOW - timedelta(seconds=1), NOW + timedelta(minutes=1)
    waiting = status in ("placed", "stock_reserved", "awaiting_payment")
    assert lifecycle.is_overdue(status, unpaid, past, NOW) is waiting
    assert lifecycle.is_overdue(status, unpaid, NOW, NOW) is waiting
    assert not lifecycle.is_overdue(status, unpaid, future, NOW)
    assert not lifecycle.is_overdue(status, unpaid, None, NOW)
    assert not lifecycle.is_overdue(status, Progress(cash_on_delivery=False, paid=True), past, NOW)
    assert not lifecycle.is_overdue(status, Progress(cash_on_delivery=True), past, NOW)


# Totals --------------------------------------------------------------------------------------


def test_vat_is_taken_out_of_what_the_customer_pays():
    assert vat_inside(389_400) == 59_400
    assert vat_inside(118) == 18
    assert vat_inside(1) == 0  # 0.15 F
    assert vat_inside(0) == 0


def test_totals_subtract_the_discounts_and_add_the_shipping_fee():
    lines = [LineAmount(2, 389_400, 77_880), LineAmount(1, 15_000)]
    assert totals_of(lines, shipping_fee=2_000, shipping_discount=2_000) == Totals(
        subtotal=793_800,
        discount_total=79_880,
        shipping_fee=2_000,
        vat_total=vat_inside(715_920),
        total=715_920,
    )
    assert totals_of([]) == Totals(0, 0, 0, 0, 0)


# Quotes --------------------------------------------------------------------------------------


def test_a_quote_line_gets_its_vat_included_price():
    assert quotes.price_incl_vat(330_000, Decimal("0.18")) == 389_400
    assert quotes.price_incl_vat(1_001, Decimal("0.18")) == 1_181  # 1 181.18


def test_an_order_from_a_quote_never_costs_more_than_the_quote():
    rate = Decimal("0.18")
    # 3 × 1 001 F excl. VAT: quote VAT 541 F (3 003 × 0.18 = 540.54), total 3 544 F;
    # each unit 1 181 F incl. VAT: the lines add up to 3 543 F, a franc less.
    line = LineAmount(3, quotes.price_incl_vat(1_001, rate))
    assert quotes.quote_totals([line], 3_544, 541, rate) == Totals(3_543, 0, 0, 540, 3_543)
    # 1 × 1 003 F: unit 1 184 F (1 183.54), quote total 1 184 F: exactly the quote.
    line = LineAmount(1, quotes.price_incl_vat(1_003, rate))
    assert quotes.quote_totals([line], 1_184, 181, rate) == Totals(1_184, 0, 0, 181, 1_184)
    # Rounded up past the quote's total: the difference is a discount.
    line = LineAmount(2, 1_182)
    assert quotes.quote_totals([line], 2_363, 360, rate) == Totals(2_364, 1, 0, 360, 2_363)


# Refunds -------------------------------------------------------------------------------------

SOLD = [
    refunds.SoldLine("LAPTOP", 1, 389_400, 0),
    refunds.SoldLine("MOUSE", 3, 10_000, 3_000),
]


def test_returned_goods_are_worth_what_the_customer_paid_for_them():
    assert refunds.returned_value(SOLD[1], 1) == 9_000
    assert refunds.returned_value(SOLD[1], 3) == 27_000
    decision = refunds.decide_refund(416_400, 0, SOLD, [("MOUSE", 2)], None)
    assert decision == refunds.Decision(18_000, True, "partially_refunded")


def test_the_last_refund_makes_the_order_refunded():
    decision = refunds.decide_refund(416_400, 18_000, SOLD, [("LAPTOP", 1)], 398_400)
    assert decision == refunds.Decision(398_400, False, "refunded")


def test_an_amount_alone_is_a_gesture():
    assert refunds.decide_refund(416_400, 0, SOLD, [], 5_000).amount == 5_000


def test_a_refund_never_gives_back_more_than_is_left():
    with pytest.raises(Conflict) as too_much:
        refunds.decide_refund(416_400, 416_000, SOLD, [], 500)
    assert too_much.value.field == "amount" and "400" in too_much.value.message
    sold = [refunds.SoldLine("MOUSE", 3, 10_000, 0, refunded_quantity=2)]
    with pytest.raises(Conflict) as too_many:
        refunds.decide_refund(30_000, 20_000, sold, [("MOUSE", 1), ("MOUSE", 1)], None)
    assert too_many.value.field == "lines.1.quantity"


def test_a_refund_names_the_line_the_order_does_not_have_and_needs_an_amount():
    with pytest.raises(InvalidInput) as unknown:
        refunds.decide_refund(416_400, 0, SOLD, [("MOUSE", 1), ("KEYBOARD", 1)], None)
    assert unknown.value.field == "lines.1.sku"
    with pytest.raises(InvalidInput) as nothing:
        refunds.decide_refund(416_400, 0, SOLD, [], None)
    assert nothing.value.field == "amount"


# Carts ---------------------------------------------------------------------------------------


def test_cart_codes_and_quantities():
    assert carts.normalize_code("  bienvenue ") == "BIENVENUE"
    assert carts.line_quantity(2, 3, add=True) == 5
    assert carts.line_quantity(2, 3, add=False) == 3
    with pytest.raises(Conflict) as refused:
        carts.line_quantity(998, 2, add=True)
    assert refused.value.field == "quantity"
    carts.check_room(carts.MAX_LINES, carts.MAX_CODES)
    with pytest.raises(Conflict):
        carts.check_room(carts.MAX_LINES + 1, 0)
    with pytest.raises(Conflict):
        carts.check_room(0, carts.MAX_CODES + 1)


# Timeline ------------------------------------------------------------------------------------


def test_the_timeline_speaks_french():
    assert timeline.placed(2, 778_800, "wave") == (
        "Commande passée : 2 articles, 778\u202f800\u00a0F\u00a0CFA (Wave)"
    )
    assert timeline.placed(1, 1_000, "cash_on_delivery", "DEV-2026-000001").endswith(
        "(paiement à la livraison), sur devis DEV-2026-000001"
    )
    assert timeline.awaiting_payment(NOW) == (
        "En attente du paiement, à régler avant le 30/11/2026 à 12:00"
    )
    assert timeline.cancelled("expired", None) == "Commande annulée : délai de paiement dépassé"
    assert timeline.without_effect("Stock réservé", "cancelled") == (
        "Stock réservé (sans effet : la commande est annulée)"
    )
    assert set(timeline.STATUS_LABELS) == set(STATUSES)
