"""Money given back: a paid Wave order cancelled is refunded through Wave's refund API by the
refund job (retried until it succeeds); an Orange Money or partial refund waits for an
operator, who records it; a cancelled order's open Wave session is closed; cash on delivery is
settled at delivery."""

from __future__ import annotations

from itvision.engines.payment.commands import CloseSessions, PerformRefunds
from itvision.engines.payment.services.refunds import close_sessions, perform_refunds
from tests.engines.payment.support import (
    cancel,
    deliver,
    payable,
    place,
    problem,
    published,
    refund,
    settled,
)
from tests.support.simulators import pay_order, start_payment, wait_payment


async def _refunds(api, order_id: str) -> list[dict]:
    answer = await api.get(f"/api/payments/refunds?order_id={order_id}", role="staff")
    return answer.json()["items"]


async def test_a_paid_wave_order_cancelled_is_refunded_through_the_api(api, system, simulators):
    await payable(system, "CMD-1", total=120_000)
    payment = await pay_order(api, simulators, "CMD-1")
    await cancel(system, "CMD-1")
    await settled(system)
    [queued] = await _refunds(api, "CMD-1")
    assert (queued["status"], queued["amount"], queued["manual"]) == ("pending", 120_000, False)
    session = simulators.wave.sessions[payment["provider_reference"]]
    simulators.wave.api_key, key = "down-for-a-moment", simulators.wave.api_key
    assert await perform_refunds(system, PerformRefunds()) == 0
    [failed] = await _refunds(api, "CMD-1")
    assert (failed["status"], failed["attempts"]) == ("pending", 1)
    assert "401" in failed["last_error"]
    simulators.wave.api_key = key
    assert await perform_refunds(system, PerformRefunds()) == 0  # not due yet: backoff
    later = PerformRefunds(as_of=session.when_created.replace(year=2100))
    assert await perform_refunds(system, later) == 1
    assert session.when_refunded is not None
    [done] = await _refunds(api, "CMD-1")
    assert (done["status"], done["provider_reference"]) == ("completed", session.id)
    [event] = await published(system, "payment.refund.completed", "CMD-1")
    assert (event["amount"], event["manual"], event["operator"], event["method"]) == (
        120_000,
        False,
        None,
        "wave",
    )
    assert event["orderRefundId"] is None
    await cancel(system, "CMD-1")  # the same cancellation again gives back nothing more
    await settled(system)
    assert len(await _refunds(api, "CMD-1")) == 1


async def test_a_partial_refund_is_recorded_by_an_operator(api, system, simulators):
    await payable(system, "CMD-2", method="orange_money", total=60_000)
    await pay_order(api, simulators, "CMD-2")
    await refund(system, "CMD-2", "RMB-1", 20_000)
    await refund(system, "CMD-2", "RMB-2", 50_000)  # only 40 000 F are left
    await settled(system)
    waiting = sorted(await _refunds(api, "CMD-2"), key=lambda r: r["order_refund_id"])
    assert [(r["order_refund_id"], r["amount"], r["status"]) for r in waiting] == [
        ("RMB-1", 20_000, "awaiting_operator"),
        ("RMB-2", 40_000, "awaiting_operator"),
    ]
    url = f"/api/payments/refunds/{waiting[0]['id']}/complete"
    problem(await api.post(url, json={}, role="customer"), 403, "forbidden")
    done = await api.post(
        url,
        json={"note": "Transfert OM au 77 000 00 00", "reference": "OM-TR-1"},
        role="staff",
        subject="awa",
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["operator"]) == ("completed", "awa")
    problem(await api.post(url, json={}, role="staff"), 409, "conflict")
    [event] = await published(system, "payment.refund.completed", "CMD-2")
    assert (event["orderRefundId"], event["amount"], event["manual"], event["operator"]) == (
        "RMB-1",
        20_000,
        True,
        "awa",
    )
    assert event["providerReference"] == "OM-TR-1"


async def test_a_cancelled_orders_open_wave_session_is_closed(api, system, simulators):
    await payable(system, "CMD-3")
    payment = await start_payment(api, "CMD-3")
    await cancel(system, "CMD-3")
    await settled(system)
    await wait_payment(api, payment["id"], "cancelled")
    assert await close_sessions(system, CloseSessions()) == 1
    session = simulators.wave.sessions[payment["provider_reference"]]
    assert session.checkout_status == "expired"
    assert await close_sessions(system, CloseSessions()) == 0


async def test_money_taken_after_the_order_was_cancelled_goes_back(api, system, simulators):
    await payable(system, "CMD-4", method="orange_money", total=30_000)
    payment = await start_payment(api, "CMD-4")
    await cancel(system, "CMD-4")
    await settled(system)
    await simulators.approve(payment)  # the customer paid on the page still open
    await wait_payment(api, payment["id"], "succeeded")
    [back] = await _refunds(api, "CMD-4")
    assert (back["amount"], back["status"]) == (30_000, "awaiting_operator")


async def test_cash_on_delivery_is_paid_when_the_courier_collects_it(api, system):
    await deliver(system, "CMD-5", cash=45_000)  # before the order is known: parked
    await place(system, "CMD-5", method="cash_on_delivery", total=45_000)
    await settled(system)
    [event] = await published(system, "payment.payment.succeeded", "CMD-5")
    assert (event["method"], event["amount"], event["fee"]) == ("cash_on_delivery", 45_000, 0)
    await refund(system, "CMD-5", "RMB-5", 45_000)
    await settled(system)
    [back] = await _refunds(api, "CMD-5")
    assert (back["manual"], back["status"]) == (True, "awaiting_operator")
