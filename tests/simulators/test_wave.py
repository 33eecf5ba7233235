"""The Wave adapter against the Wave simulator: sessions, their outcome, refunds, expiry,
errors and webhooks as docs.wave.com describes them."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from itvision.engines.payment.rules.webhooks import WebhookRefused
from itvision.engines.payment.services.providers.base import (
    PaymentRef,
    ProviderError,
    SessionRequest,
)
from itvision.engines.payment.services.providers.wave import WaveProvider
from itvision.platform.events import utcnow


def _request(payment_id: str = "pay_1", amount: int = 150_000) -> SessionRequest:
    return SessionRequest(
        payment_id=payment_id,
        order_id="CMD-1",
        amount=amount,
        currency="XOF",
        success_url="http://shop.test/ok",
        error_url="http://shop.test/ko",
        notify_url="http://shop.test/hook",
    )


async def _started(simulators, payment_id: str = "pay_1"):
    wave = WaveProvider(simulators.payment_settings())
    session = await wave.create_session(_request(payment_id))
    return wave, session, PaymentRef(payment_id, session.reference, 150_000, "XOF")


async def test_a_session_is_opened_for_thirty_minutes_and_paid(simulators):
    wave, session, ref = await _started(simulators)
    assert session.reference.startswith("cos-")
    assert session.checkout_url == f"{simulators.wave_url}/c/{session.reference}"
    assert session.expires_at is not None
    assert 1790 <= (session.expires_at - utcnow()).total_seconds() <= 1800
    assert (await wave.fetch_outcome(ref)).result == "pending"
    await simulators.wave.approve(session.reference)
    outcome = await wave.fetch_outcome(ref)
    assert outcome.result == "succeeded" and outcome.transaction_id.startswith("T_")


async def test_the_same_idempotency_key_gives_the_same_session(simulators):
    wave = WaveProvider(simulators.payment_settings())
    first = await wave.create_session(_request("pay_same"))
    again = await wave.create_session(_request("pay_same"))
    assert again.reference == first.reference
    with pytest.raises(ProviderError) as refused:
        await wave.create_session(_request("pay_same", amount=1_000))
    assert (refused.value.status, refused.value.code) == (409, "idempotency-mismatch")


@pytest.mark.parametrize(
    ("code", "reason"),
    [("insufficient-funds", "insufficient_funds"), ("blocked-account", "declined")],
)
async def test_a_declined_payment_fails_with_the_reason_of_its_error_code(simulators, code, reason):
    wave, session, ref = await _started(simulators)
    await simulators.wave.decline(session.reference, code)
    outcome = await wave.fetch_outcome(ref)
    assert (outcome.result, outcome.reason, outcome.code) == ("failed", reason, code)


async def test_an_expired_session_fails_as_expired_and_an_expired_one_cannot_be_paid(simulators):
    wave, session, ref = await _started(simulators)
    simulators.wave.expire_now(session.reference)
    outcome = await wave.fetch_outcome(ref)
    assert (outcome.result, outcome.reason) == ("failed", "expired")
    async with httpx.AsyncClient(base_url=simulators.wave_url) as client:
        refused = await client.post(f"/_simulator/sessions/{session.reference}/approve")
    assert refused.status_code == 409


async def test_a_paid_session_is_refunded_once_and_cannot_be_expired(simulators):
    wave, session, ref = await _started(simulators)
    with pytest.raises(ProviderError) as unpaid:
        await wave.refund(ref)
    assert unpaid.value.code == "checkout-session-not-paid"
    await simulators.wave.approve(session.reference)
    assert await wave.refund(ref) == session.reference
    assert await wave.refund(ref) == session.reference  # idempotent
    assert simulators.wave.sessions[session.reference].when_refunded is not None
    with pytest.raises(ProviderError) as paid:
        await wave.close_session(ref)
    assert paid.value.status == 409


async def test_an_open_session_is_closed(simulators):
    wave, _, ref = await _started(simulators)
    await wave.close_session(ref)
    assert (await wave.fetch_outcome(ref)).reason == "expired"


async def test_errors_are_wave_errors(simulators):
    wrong_key = WaveProvider(simulators.payment_settings(wave_api_key="wave_sn_prod_wrong"))
    with pytest.raises(ProviderError) as refused:
        await wrong_key.create_session(_request())
    assert (refused.value.status, refused.value.code) == (401, "no-matching-api-key")
    async with httpx.AsyncClient(base_url=simulators.wave_url) as client:
        anonymous = await client.post("/v1/checkout/sessions", json={})
        assert anonymous.json()["code"] == "missing-auth-header"
        headers = {"Authorization": f"Bearer {simulators.wave.api_key}"}
        invalid = await client.post(
            "/v1/checkout/sessions",
            json={"amount": "12.5", "currency": "EUR", "success_url": "x"},
            headers=headers,
        )
        unknown = await client.get("/v1/checkout/sessions/cos-nope", headers=headers)
    assert invalid.status_code == 400
    body = invalid.json()
    assert body["code"] == "request-validation-error"
    assert {d["loc"][0] for d in body["details"]} == {
        "amount",
        "currency",
        "success_url",
        "error_url",
    }
    assert (unknown.status_code, unknown.json()["code"]) == (404, "checkout-session-not-found")


async def test_sessions_are_found_by_client_reference_and_transaction(simulators):
    _, session, _ = await _started(simulators, "pay_find")
    paid = await simulators.wave.approve(session.reference)
    headers = {"Authorization": f"Bearer {simulators.wave.api_key}"}
    async with httpx.AsyncClient(base_url=simulators.wave_url, headers=headers) as client:
        search = await client.get("/v1/checkout/sessions/search?client_reference=pay_find")
        by_txn = await client.get(f"/v1/checkout/sessions?transaction_id={paid.transaction_id}")
    assert [s["id"] for s in search.json()["result"]] == [session.reference]
    assert by_txn.json()["id"] == session.reference


async def test_the_page_approves_and_sends_the_customer_back(simulators):
    _, session, _ = await _started(simulators)
    async with httpx.AsyncClient() as client:
        page = await client.get(session.checkout_url)
        paid = await client.post(f"{session.checkout_url}/approve")
    assert page.status_code == 200 and "150000 XOF" in page.text and "Payer" in page.text
    assert (paid.status_code, paid.headers["location"]) == (303, "http://shop.test/ok")


async def test_its_webhooks_are_signed_and_the_adapter_verifies_them(simulators):
    wave, session, _ = await _started(simulators)
    paid = await simulators.wave.approve(session.reference)
    delivery = simulators.wave.sender.deliveries[-1]  # to nowhere here: recorded
    notice = wave.read_notification(delivery.headers, delivery.body, utcnow())
    assert (notice.kind, notice.reference) == ("succeeded", session.reference)
    assert notice.outcome.transaction_id == paid.transaction_id
    assert notice.checked == {"amount": "150000", "currency": "XOF", "client_reference": "pay_1"}
    tampered = delivery.body.replace(b"150000", b"1500")
    with pytest.raises(WebhookRefused):
        wave.read_notification(delivery.headers, tampered, utcnow())
    old = simulators.wave.signed(delivery.body, int(time.time()) - 301)
    with pytest.raises(WebhookRefused, match="replay"):
        wave.read_notification(old, delivery.body, utcnow())


async def test_rotated_secrets_and_the_shared_secret_strategy(simulators):
    wave = WaveProvider(simulators.payment_settings())
    body = json.dumps({"id": "AE_1", "type": "test.test_event", "data": {}}).encode()
    simulators.wave.webhook_secrets = ["old-secret", simulators.wave.webhook_secrets[0]]
    assert wave.read_notification(simulators.wave.signed(body), body, utcnow()).kind == "ignored"
    shared = WaveProvider(simulators.payment_settings(wave_webhook_strategy="shared_secret"))
    simulators.wave.strategy = "shared_secret"
    simulators.wave.webhook_secrets = [simulators.wave.webhook_secrets[1]]
    headers = simulators.wave.signed(body)
    assert headers["Authorization"].startswith("Bearer ")
    assert shared.read_notification(headers, body, utcnow()).kind == "ignored"
    with pytest.raises(WebhookRefused):
        shared.read_notification({"Authorization": "Bearer guessed"}, body, utcnow())
