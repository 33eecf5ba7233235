"""Provider webhooks end to end: a payment approved at the simulator is succeeded once, with
the provider's fee; declined, it fails with its reason. The same webhook twice has one effect;
a late failure after a success changes nothing; forged, replayed and mismatched deliveries are
refused and change nothing; a lost webhook is made up for by reconciliation."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

from sqlalchemy import update

from itvision.engines.payment.commands import (
    ProcessNotification,
    ProcessNotifications,
    ReceiveNotification,
    ReconcilePayments,
)
from itvision.engines.payment.models import Payment
from itvision.engines.payment.services import notifications
from itvision.engines.payment.services.book import payment_news
from itvision.engines.payment.services.notifications import (
    process_notification,
    process_notifications,
    receive_notification,
)
from itvision.engines.payment.services.reconciliation import reconcile_payments
from itvision.platform.events import utcnow
from tests.engines.payment.support import payable, problem, published
from tests.support.simulators import pay_order, start_payment, wait_payment

WAVE_HOOK = "/api/payments/webhooks/wave"
OM_HOOK = "/api/payments/webhooks/orange-money"


async def _deliver(api, path: str, body: bytes, headers: dict[str, str] | None = None):
    """A POST as the provider sends it: JSON, with its headers."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    return await api.http.post(path, content=body, headers=headers)


async def test_a_wave_payment_succeeds_once_with_its_fee(api, system, simulators):
    await payable(system, "CMD-1", total=150_000)
    payment = await pay_order(api, simulators, "CMD-1")
    assert (payment["fee"], payment["transaction_id"]) == (
        1_500,
        simulators.wave.sessions[payment["provider_reference"]].transaction_id,
    )
    [succeeded] = await published(system, "payment.payment.succeeded", "CMD-1")
    assert (succeeded["amount"], succeeded["fee"], succeeded["method"]) == (150_000, 1_500, "wave")
    assert succeeded["providerReference"] == payment["provider_reference"]
    delivery = simulators.wave.sender.deliveries[-1]
    again = await _deliver(api, WAVE_HOOK, delivery.body, delivery.headers)
    assert again.json() == {"received": True, "duplicate": True, "ignored": False}
    assert len(await published(system, "payment.payment.succeeded", "CMD-1")) == 1


async def test_a_declined_wave_payment_fails_with_its_reason(api, system, simulators):
    await payable(system, "CMD-2")
    payment = await start_payment(api, "CMD-2")
    await simulators.decline(payment, "insufficient-funds")
    failed = await wait_payment(api, payment["id"], "failed")
    assert (failed["failure_reason"], failed["fee"]) == ("insufficient_funds", 0)
    [event] = await published(system, "payment.payment.failed", "CMD-2")
    assert event["reason"] == "insufficient_funds"


async def test_a_late_failure_after_a_success_changes_nothing(api, system, simulators):
    await payable(system, "CMD-3")
    payment = await pay_order(api, simulators, "CMD-3")
    session = simulators.wave.sessions[payment["provider_reference"]]
    late = simulators.wave.event("checkout.session.payment_failed", session)
    late["data"]["last_payment_error"] = {"code": "insufficient-funds", "message": "late"}
    body = json.dumps(late).encode()
    answer = await _deliver(api, WAVE_HOOK, body, simulators.wave.signed(body))
    assert answer.status_code == 200
    assert (await wait_payment(api, payment["id"], "succeeded"))["status"] == "succeeded"
    assert await published(system, "payment.payment.failed", "CMD-3") == []


async def test_forged_replayed_and_mismatched_webhooks_are_refused_and_change_nothing(
    api, system, simulators
):
    await payable(system, "CMD-4", total=80_000)
    payment = await start_payment(api, "CMD-4")
    session = simulators.wave.sessions[payment["provider_reference"]]
    session.payment_status, session.transaction_id = "succeeded", "T_FORGED"
    event = simulators.wave.event("checkout.session.completed", session)
    body = json.dumps(event).encode()
    forged = {"Wave-Signature": f"t={int(time.time())},v1={'0' * 64}"}
    problem(
        await _deliver(api, WAVE_HOOK, body, forged),
        403,
        "webhook_refused",
        "header.Wave-Signature",
    )
    old = simulators.wave.signed(body, int(time.time()) - 6 * 60)
    replayed = await _deliver(api, WAVE_HOOK, body, old)
    assert "replay" in problem(replayed, 403, "webhook_refused")["detail"]
    event["data"]["amount"] = "8000"
    cheaper = json.dumps(event).encode()
    mismatched = await _deliver(api, WAVE_HOOK, cheaper, simulators.wave.signed(cheaper))
    problem(mismatched, 422, "webhook_mismatch", "body.data.amount")
    problem(await _deliver(api, WAVE_HOOK, b'{"id": "x"}'), 403, "webhook_refused")
    still = await api.get(f"/api/payments/{payment['id']}", role="customer", subject="cust-1")
    assert still.json()["status"] == "pending"
    assert await published(system, "payment.payment.succeeded", "CMD-4") == []


async def test_an_orange_money_payment_is_believed_once_confirmed(api, system, simulators):
    await payable(system, "CMD-5", method="orange_money", total=25_000)
    payment = await start_payment(api, "CMD-5")
    assert payment["checkout_url"].startswith(f"{simulators.orange_money_url}/payment/")
    made = simulators.orange_money.payments[payment["provider_reference"]]
    # A notification claiming success the provider does not confirm changes nothing.
    claim = json.dumps({"status": "SUCCESS", "notif_token": made.notif_token, "txnid": "MP1"})
    answer = await _deliver(api, OM_HOOK, claim.encode())
    assert answer.status_code == 200
    current = await api.get(f"/api/payments/{payment['id']}", role="customer", subject="cust-1")
    assert current.json()["status"] == "pending"
    forged = json.dumps({"status": "SUCCESS", "notif_token": "guessed", "txnid": "MP2"})
    problem(
        await _deliver(api, OM_HOOK, forged.encode()),
        403,
        "webhook_refused",
        "body.notif_token",
    )
    await simulators.approve(payment)
    paid = await wait_payment(api, payment["id"], "succeeded")
    assert (paid["fee"], paid["transaction_id"]) == (250, made.txnid)
    [event] = await published(system, "payment.payment.succeeded", "CMD-5")
    assert (event["method"], event["fee"]) == ("orange_money", 250)


async def test_a_lost_webhook_is_made_up_for_by_reconciliation(api, system, simulators):
    await payable(system, "CMD-6")
    await payable(system, "CMD-7", method="orange_money")
    wave_payment = await start_payment(api, "CMD-6")
    om_payment = await start_payment(api, "CMD-7")
    simulators.lose_webhooks()
    await simulators.approve(wave_payment)
    await simulators.decline(om_payment)
    assert not simulators.wave.sender.deliveries[-1].statuses  # never delivered
    report = await reconcile_payments(system, ReconcilePayments())
    assert report.checked == 0  # not pending long enough yet
    report = await reconcile_payments(system, ReconcilePayments(min_age_minutes=0))
    assert (report.checked, dict(report.results)) == (2, {"succeeded": 1, "failed": 1})
    await wait_payment(api, wave_payment["id"], "succeeded")
    assert (await wait_payment(api, om_payment["id"], "failed"))["failure_reason"] == "declined"
    again = await reconcile_payments(system, ReconcilePayments(min_age_minutes=0))
    assert again.checked == 0
    assert len(await published(system, "payment.payment.succeeded", "CMD-6")) == 1


async def test_staff_reconcile_through_the_api(api, system, simulators):
    await payable(system, "CMD-8")
    payment = await start_payment(api, "CMD-8")
    simulators.lose_webhooks()
    await simulators.approve(payment)
    answer = await api.post("/api/payments/reconcile?all=true", role="staff")
    assert answer.json() == {"checked": 1, "results": {"succeeded": 1}}
    problem(await api.post("/api/payments/reconcile", role="customer"), 403, "forbidden")


async def test_approved_at_once_the_payment_succeeds_without_anyone(api, system, simulators):
    simulators.wave.auto_approve = simulators.orange_money.auto_approve = True
    await payable(system, "CMD-9")
    await payable(system, "CMD-10", method="orange_money")
    for order_id in ("CMD-9", "CMD-10"):
        payment = await start_payment(api, order_id)
        await wait_payment(api, payment["id"], "succeeded")
        assert len(await published(system, "payment.payment.succeeded", order_id)) == 1


async def test_a_stored_delivery_left_unprocessed_is_applied_by_the_job(api, system, simulators):
    await payable(system, "CMD-11")
    payment = await start_payment(api, "CMD-11")
    session = simulators.wave.sessions[payment["provider_reference"]]
    session.payment_status, session.transaction_id = "succeeded", "T_LATER"
    body = json.dumps(simulators.wave.event("checkout.session.completed", session)).encode()
    delivery = ReceiveNotification("wave", simulators.wave.signed(body), body)
    stored = await receive_notification(system, delivery)  # as the route, without its task
    later = ProcessNotifications(received_before=utcnow() + timedelta(seconds=1))
    assert await process_notifications(system, later) == 1
    assert (await wait_payment(api, payment["id"], "succeeded"))["transaction_id"] == "T_LATER"
    assert stored.believed  # a Wave webhook needs no confirmation
    for believed in (False, True):
        processed = ProcessNotification(stored.notification_id or 0, believed=believed)
        assert await process_notification(system, processed) == "already processed"
    assert await process_notifications(system, later) == 0


async def _session_not_recorded_yet(api, system, simulators, order_id: str):
    """A payment whose Wave session is approved while the payment engine has not recorded it
    yet (the provider's answer still on its way): the webhook about it, and a way to record it."""
    await payable(system, order_id)
    payment = await start_payment(api, order_id)
    reference = payment["provider_reference"]
    async with system.uows("payment-engine") as uow:
        await uow.session.execute(
            update(Payment)
            .where(Payment.id == payment["id"])
            .values(status="initiating", provider_reference=None)
        )
    session = simulators.wave.sessions[reference]
    session.payment_status, session.transaction_id = "succeeded", "T_EARLY"
    body = json.dumps(simulators.wave.event("checkout.session.completed", session)).encode()

    async def record() -> None:
        async with system.uows("payment-engine") as uow:
            await uow.session.execute(
                update(Payment)
                .where(Payment.id == payment["id"])
                .values(status="pending", provider_reference=reference)
            )
            uow.tell(payment_news(payment["id"]))

    return payment, body, record


async def test_a_webhook_ahead_of_its_session_waits_for_it_to_be_recorded(api, system, simulators):
    payment, body, record = await _session_not_recorded_yet(api, system, simulators, "CMD-12")
    answer = asyncio.create_task(_deliver(api, WAVE_HOOK, body, simulators.wave.signed(body)))
    await asyncio.sleep(0.2)
    assert not answer.done()
    await record()
    assert (await answer).json() == {"received": True, "duplicate": False, "ignored": False}
    assert (await wait_payment(api, payment["id"], "succeeded"))["transaction_id"] == "T_EARLY"


async def test_a_webhook_about_a_session_never_recorded_is_asked_again(
    api, system, simulators, monkeypatch
):
    monkeypatch.setattr(notifications, "RECORDING_WAIT", timedelta(seconds=0.3))
    payment, body, _ = await _session_not_recorded_yet(api, system, simulators, "CMD-13")
    answer = await _deliver(api, WAVE_HOOK, body, simulators.wave.signed(body))
    problem(answer, 409, "conflict", "body.data.id")
    assert (await api.get(f"/api/payments/{payment['id']}", role="staff")).json()[
        "status"
    ] == "initiating"
