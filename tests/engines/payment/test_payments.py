"""Paying an order through the API: a provider session and its checkout URL, once per
Idempotency-Key; refused with the order's state when it cannot be paid; bad input named."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import COMBINATIONS
from tests.engines.payment.support import (
    CUSTOMER,
    cancel,
    payable,
    place,
    problem,
    published,
    reserve,
    settled,
)
from tests.support.simulators import pay_order, start_payment

KEY = {"Idempotency-Key": "try-1"}


async def _pay(api, order_id: str, key: str = "try-1", subject: str = CUSTOMER, role="customer"):
    return await api.post(
        "/api/payments",
        json={"order_id": order_id},
        headers={"Idempotency-Key": key},
        role=role,
        subject=subject,
    )


async def test_a_wave_payment_gets_a_checkout_url_and_is_initiated(api, system, simulators):
    await payable(system, "CMD-1", total=150_000)
    await settled(system)
    created = await _pay(api, "CMD-1")
    assert created.status_code == 201, created.text
    payment = created.json()
    session = simulators.wave.sessions[payment["provider_reference"]]
    assert payment["checkout_url"] == session.launch_url
    assert (payment["status"], payment["amount"], payment["fee"]) == ("pending", 150_000, 1_500)
    assert (session.amount, session.client_reference) == ("150000", payment["id"])
    assert session.success_url.endswith(f"/api/payments/{payment['id']}/return?result=success")
    [initiated] = await published(system, "payment.payment.initiated", "CMD-1")
    assert initiated["checkoutUrl"] == payment["checkout_url"]
    assert (initiated["providerReference"], initiated["fee"], initiated["method"]) == (
        payment["provider_reference"],
        1_500,
        "wave",
    )
    assert initiated["expiresAt"] is not None


async def test_the_same_key_gives_the_same_payment_and_the_order_keeps_one_open(api, system):
    await payable(system, "CMD-2")
    await settled(system)
    first = (await _pay(api, "CMD-2")).json()
    again = await _pay(api, "CMD-2")
    other_key = await _pay(api, "CMD-2", key="try-2")
    assert (again.status_code, again.json()["id"]) == (200, first["id"])
    assert (other_key.status_code, other_key.json()["id"]) == (200, first["id"])
    assert len(await published(system, "payment.payment.initiated", "CMD-2")) == 1
    await payable(system, "CMD-3")
    await settled(system)
    reused = await _pay(api, "CMD-3")
    problem(reused, 409, "conflict", "header.Idempotency-Key")


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_the_same_key_twice_at_once_makes_one_payment(api, system):
    await payable(system, "CMD-TWICE")
    await settled(system)
    answers = await asyncio.gather(_pay(api, "CMD-TWICE"), _pay(api, "CMD-TWICE"))
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    first, second = (a.json() for a in answers)
    assert first == second and first["status"] == "pending"
    assert len(await published(system, "payment.payment.initiated", "CMD-TWICE")) == 1


async def test_a_payment_asked_before_the_stock_is_held_waits_for_it(api, system, simulators):
    await place(system, "CMD-SOON")
    await settled(system)
    asking = asyncio.create_task(_pay(api, "CMD-SOON"))
    await asyncio.sleep(0.3)
    assert not asking.done()  # waiting for inventory's answer, not a 409
    await reserve(system, "CMD-SOON")
    answered = await asyncio.wait_for(asking, 5)
    assert answered.status_code == 201, answered.text
    # An order whose stock is not held in time: 409 awaiting_stock after the wait (2 s).
    await place(system, "CMD-LATE")
    await settled(system)
    started = time.monotonic()
    late = problem(await _pay(api, "CMD-LATE"), 409, "not_payable", "body.order_id")
    assert late["state"] == "awaiting_stock" and time.monotonic() - started >= 2


async def test_an_order_that_cannot_be_paid_answers_409_with_its_state(api, system, simulators):
    await place(system, "CMD-WAIT")
    await place(system, "CMD-COD", method="cash_on_delivery")
    await payable(system, "CMD-OTHER", customer="someone-else")
    await payable(system, "CMD-GONE")
    await cancel(system, "CMD-GONE")
    await settled(system)
    for order_id, state in (
        ("CMD-NOPE", "unknown"),
        ("CMD-WAIT", "awaiting_stock"),
        ("CMD-COD", "cash_on_delivery"),
        ("CMD-OTHER", "unknown"),  # someone else's order looks like one payments does not know
        ("CMD-GONE", "cancelled"),
    ):
        body = problem(await _pay(api, order_id), 409, "not_payable", "body.order_id")
        assert body["state"] == state, order_id
    await payable(system, "CMD-PAID")
    await pay_order(api, simulators, "CMD-PAID")
    paid = await _pay(api, "CMD-PAID", key="try-again")
    assert problem(paid, 409, "not_payable")["state"] == "paid"


async def test_staff_pay_for_a_customer_and_customers_see_only_their_own(api, system):
    await payable(system, "CMD-4")
    await settled(system)
    by_staff = await _pay(api, "CMD-4", role="staff", subject="awa")
    assert by_staff.status_code == 201
    payment = by_staff.json()
    assert payment["customer_id"] == CUSTOMER
    own = await api.get(f"/api/payments/{payment['id']}", role="customer", subject=CUSTOMER)
    assert own.status_code == 200
    stranger = await api.get(f"/api/payments/{payment['id']}", role="customer", subject="x")
    problem(stranger, 404, "not_found", "path.payment_id")
    listed = await api.get("/api/payments?order_id=CMD-4", role="customer", subject="x")
    assert listed.json()["total"] == 0
    mine = await api.get("/api/payments?status=pending", role="customer", subject=CUSTOMER)
    assert [p["id"] for p in mine.json()["items"]] == [payment["id"]]
    problem(await api.get("/api/payments/refunds", role="customer"), 403, "forbidden")
    problem(await api.get("/api/payments"), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({"order_id": "CMD-1"}, {}, "header.Idempotency-Key"),
        ({"order_id": "CMD-1"}, {"Idempotency-Key": ""}, "header.Idempotency-Key"),
        ({}, KEY, "body.order_id"),
        ({"order_id": "  "}, KEY, "body.order_id"),
        ({"order_id": 12}, KEY, "body.order_id"),
        ({"order_id": "CMD-1", "amount": 1}, KEY, "body.amount"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(api, body, headers, field):
    response = await api.post("/api/payments", json=body, headers=headers, role="customer")
    problem(response, 422, "validation_error", field)


async def test_bad_query_and_refund_input_are_problems_naming_the_field(api):
    bad_status = await api.get("/api/payments?status=paid", role="staff")
    problem(bad_status, 422, "validation_error", "query.status")
    bad_limit = await api.get("/api/payments/refunds?limit=0", role="staff")
    problem(bad_limit, 422, "validation_error", "query.limit")
    bad_note = await api.post(
        "/api/payments/refunds/ref_x/complete", json={"note": ""}, role="staff"
    )
    problem(bad_note, 422, "validation_error", "body.note")
    unknown = await api.post("/api/payments/refunds/ref_x/complete", json={}, role="staff")
    problem(unknown, 404, "not_found", "path.refund_id")


async def test_a_provider_that_cannot_be_reached_is_a_502_and_the_same_key_retries(
    api, system, simulators
):
    await payable(system, "CMD-5")
    await settled(system)
    simulators.wave.api_key = "rotated-elsewhere"
    down = await _pay(api, "CMD-5")
    problem(down, 502, "provider_unavailable", "body.order_id")
    simulators.wave.api_key = simulators.payment_settings().wave_api_key.get_secret_value()
    retried = await _pay(api, "CMD-5")
    assert retried.status_code == 200 and retried.json()["status"] == "pending"


async def test_the_return_page_says_how_the_payment_stands_in_french(api, system, simulators):
    await payable(system, "CMD-6", total=389_400)
    payment = await start_payment(api, "CMD-6")
    page = await api.get(f"/api/payments/{payment['id']}/return?result=success")
    assert "Paiement en cours" in page.text and "389\u202f400 F CFA" in page.text
    await simulators.approve(payment)
    page = await api.get(f"/api/payments/{payment['id']}/return?result=success")
    assert "Paiement reçu" in page.text
