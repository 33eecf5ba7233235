"""The payment rules, as pure functions: when an order is payable, what an outcome does to a
payment, fees, refunds, webhook signatures."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from itvision.engines.payment.rules.money import provider_fee, refundable, refunded_by_api
from itvision.engines.payment.rules.states import (
    OrderFacts,
    Outcome,
    next_status,
    order_state,
    wave_failure,
)
from itvision.engines.payment.rules.webhooks import (
    WebhookRefused,
    check_shared_secret,
    check_wave_signature,
    mismatch,
    wave_signature,
)

NOW = datetime(2026, 11, 30, 10, tzinfo=UTC)


def _order(**changes) -> OrderFacts:
    facts = {
        "placed": True,
        "reserved": True,
        "cancelled": False,
        "method": "wave",
        "pay_by": NOW + timedelta(minutes=30),
        "paid": False,
    }
    return OrderFacts(**{**facts, **changes})


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, "payable"),
        ({"method": "orange_money"}, "payable"),
        ({"pay_by": None}, "payable"),
        ({"placed": False}, "unknown"),
        ({"placed": False, "cancelled": True}, "cancelled"),
        ({"reserved": False}, "awaiting_stock"),
        ({"paid": True}, "paid"),
        ({"cancelled": True, "paid": True}, "cancelled"),
        ({"method": "cash_on_delivery"}, "cash_on_delivery"),
        ({"method": "card"}, "unsupported_method"),
        ({"pay_by": NOW}, "expired"),
    ],
)
def test_an_order_is_payable_once_placed_and_reserved_until_paid_cancelled_or_late(changes, state):
    assert order_state(_order(**changes), NOW) == state


SUCCEEDED, FAILED, PENDING = Outcome("succeeded"), Outcome("failed", "declined"), Outcome("pending")


@pytest.mark.parametrize(
    ("current", "outcome", "new"),
    [
        ("initiating", SUCCEEDED, "succeeded"),
        ("pending", SUCCEEDED, "succeeded"),
        ("pending", FAILED, "failed"),
        ("initiating", FAILED, "failed"),
        ("pending", PENDING, None),
        ("succeeded", SUCCEEDED, None),
        ("succeeded", FAILED, None),  # a late failure after a success changes nothing
        ("failed", FAILED, None),
        ("failed", SUCCEEDED, "succeeded"),  # money taken after all is never ignored
        ("cancelled", SUCCEEDED, "succeeded"),
        ("cancelled", FAILED, None),
        ("abandoned", SUCCEEDED, "succeeded"),
    ],
)
def test_an_outcome_moves_a_payment_only_forward(current, outcome, new):
    assert next_status(current, outcome) == new


def test_wave_error_codes_are_the_contract_reasons():
    assert wave_failure("insufficient-funds") == "insufficient_funds"
    assert wave_failure("payer-mobile-mismatch") == "declined"
    assert wave_failure("something-new") == "declined"
    assert wave_failure(None) == "declined"


@pytest.mark.parametrize(
    ("amount", "rate", "fee"),
    [(150_000, Decimal("0.01"), 1_500), (1_050, Decimal("0.01"), 11), (149, Decimal("0.01"), 1)],
)
def test_the_fee_is_the_rate_rounded_half_up_to_the_franc(amount, rate, fee):
    assert provider_fee(amount, rate) == fee


def test_a_refund_never_gives_back_more_than_is_left():
    assert refundable(100_000, 0, 30_000) == 30_000
    assert refundable(100_000, 80_000, 30_000) == 20_000
    assert refundable(100_000, 100_000, 1) == 0


def test_only_a_first_whole_refund_goes_through_an_api():
    assert refunded_by_api(by_api=True, amount=100, paid=100, refunded_before=0)
    assert not refunded_by_api(by_api=True, amount=40, paid=100, refunded_before=0)
    assert not refunded_by_api(by_api=True, amount=60, paid=100, refunded_before=40)
    assert not refunded_by_api(by_api=False, amount=100, paid=100, refunded_before=0)


BODY = b'{"id":"AE_1","type":"checkout.session.completed"}'
SECRET = "wave_sn_WHS_secret"


def _header(t: int, *secrets: str) -> str:
    return f"t={t}," + ",".join(f"v1={wave_signature(s, t, BODY)}" for s in secrets)


def test_a_wave_signature_of_the_body_at_its_time_is_accepted():
    now = time.time()
    check_wave_signature(_header(int(now), SECRET), BODY, SECRET, now=now, tolerance_seconds=300)
    rotated = _header(int(now), "an-older-secret", SECRET)
    check_wave_signature(rotated, BODY, SECRET, now=now, tolerance_seconds=300)


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (None, "no Wave-Signature"),
        ("v1=abc", "needs t= and v1="),
        ("t=1700000000", "needs t= and v1="),
        ("t=NOW,v1=00ff", "does not match"),
        ("t=OLD,v1=SIGNED", "replay"),
        ("t=FUTURE,v1=SIGNED", "replay"),
        ("t=NOW,v1=WRONG_SECRET", "does not match"),
    ],
)
def test_a_forged_or_replayed_wave_signature_is_refused(header, why):
    now = int(time.time())
    if header is not None:
        for name, t in (("NOW", now), ("OLD", now - 301), ("FUTURE", now + 301)):
            if f"t={name}" in header:
                header = header.replace(f"t={name}", f"t={t}")
                header = header.replace("v1=SIGNED", f"v1={wave_signature(SECRET, t, BODY)}")
                header = header.replace("v1=WRONG_SECRET", f"v1={wave_signature('x', t, BODY)}")
    with pytest.raises(WebhookRefused, match=why) as refused:
        check_wave_signature(header, BODY, SECRET, now=now, tolerance_seconds=300)
    assert refused.value.status == 403


def test_the_shared_secret_is_a_bearer_token():
    check_shared_secret(f"Bearer {SECRET}", SECRET)
    for wrong in (None, SECRET, f"Basic {SECRET}", "Bearer nope"):
        with pytest.raises(WebhookRefused):
            check_shared_secret(wrong, SECRET)


def test_a_mismatch_names_the_first_field_that_differs_and_ignores_absent_ones():
    expected = {"amount": "150000", "currency": "XOF", "client_reference": "pay_1"}
    assert mismatch(expected, {"amount": "150000", "currency": None}) is None
    assert mismatch(expected, {"amount": "1500", "currency": "EUR"})[0] == "amount"
