"""The Orange Money adapter against the Orange Money simulator: the OAuth token (kept,
renewed), web payments, their status, and notifications as Orange documents them."""

from __future__ import annotations

import httpx
import pytest

from itvision.engines.payment.rules.webhooks import WebhookMismatch, WebhookRefused
from itvision.engines.payment.services.providers import orange_money
from itvision.engines.payment.services.providers.base import (
    PaymentRef,
    ProviderError,
    SessionRequest,
)
from itvision.engines.payment.services.providers.orange_money import OrangeMoneyProvider
from itvision.platform.events import utcnow


@pytest.fixture(autouse=True)
def _no_kept_tokens():
    orange_money._tokens.clear()


def _request(payment_id: str = "pay_om_1") -> SessionRequest:
    return SessionRequest(
        payment_id=payment_id,
        order_id="CMD-7",
        amount=25_000,
        currency="XOF",
        success_url="http://shop.test/ok",
        error_url="http://shop.test/ko",
        notify_url="http://shop.test/notif",
    )


async def _started(simulators, payment_id: str = "pay_om_1"):
    provider = OrangeMoneyProvider(simulators.payment_settings())
    session = await provider.create_session(_request(payment_id))
    return provider, session, PaymentRef(payment_id, session.reference, 25_000, "XOF")


async def test_a_web_payment_gives_a_payment_url_and_tokens(simulators):
    _, session, _ = await _started(simulators)
    made = simulators.orange_money.payments[session.reference]
    assert session.checkout_url == f"{simulators.orange_money_url}/payment/{session.reference}"
    assert session.notif_token == made.notif_token
    assert (made.order_id, made.amount, made.currency, made.lang) == (
        "pay_om_1",
        25_000,
        "OUV",
        "fr",
    )
    assert made.notif_url == "http://shop.test/notif"


async def test_one_token_serves_many_calls_and_is_renewed_when_refused(simulators):
    provider, _, ref = await _started(simulators)
    await provider.fetch_outcome(ref)
    assert simulators.orange_money.token_requests == 1
    simulators.orange_money.revoke_tokens()
    assert (await provider.fetch_outcome(ref)).result == "pending"
    assert simulators.orange_money.token_requests == 2


@pytest.mark.parametrize(
    ("act", "result", "reason"),
    [("approve", "succeeded", None), ("decline", "failed", "declined")],
)
async def test_transaction_status_says_how_it_went(simulators, act, result, reason):
    provider, session, ref = await _started(simulators)
    assert (await provider.fetch_outcome(ref)).result == "pending"
    done = await getattr(simulators.orange_money, act)(session.reference)
    outcome = await provider.fetch_outcome(ref)
    assert (outcome.result, outcome.reason) == (result, reason)
    assert outcome.transaction_id == done.txnid


async def test_an_unpaid_web_payment_expires(simulators):
    provider, session, ref = await _started(simulators)
    simulators.orange_money.expire_now(session.reference)
    outcome = await provider.fetch_outcome(ref)
    assert (outcome.result, outcome.reason) == ("failed", "expired")


async def test_refused_requests_are_provider_errors(simulators):
    wrong = OrangeMoneyProvider(simulators.payment_settings(orange_money_merchant_key="nope"))
    with pytest.raises(ProviderError) as unknown_merchant:
        await wrong.create_session(_request("pay_x"))
    assert unknown_merchant.value.status == 401
    wrong_secret = OrangeMoneyProvider(
        simulators.payment_settings(orange_money_client_secret="nope")
    )
    orange_money._tokens.clear()
    with pytest.raises(ProviderError, match="token"):
        await wrong_secret.create_session(_request("pay_y"))
    provider, _, _ = await _started(simulators, "pay_twice")
    with pytest.raises(ProviderError, match="already used"):
        await provider.create_session(_request("pay_twice"))


async def test_the_page_marks_the_payment_pending_then_approves(simulators):
    provider, session, ref = await _started(simulators)
    async with httpx.AsyncClient() as client:
        page = await client.get(session.checkout_url)
        assert simulators.orange_money.payments[session.reference].status == "PENDING"
        paid = await client.post(f"{session.checkout_url}/approve")
    assert "25000 OUV" in page.text
    assert (paid.status_code, paid.headers["location"]) == (303, "http://shop.test/ok")
    assert (await provider.fetch_outcome(ref)).result == "succeeded"


async def test_a_notification_is_read_and_must_be_confirmed(simulators):
    provider, session, _ = await _started(simulators)
    payment = await simulators.orange_money.approve(session.reference)
    delivery = simulators.orange_money.sender.deliveries[-1]
    assert delivery.url == "http://shop.test/notif"
    notice = provider.read_notification({}, delivery.body, utcnow())
    assert (notice.kind, notice.notif_token, notice.confirm) == (
        "succeeded",
        payment.notif_token,
        True,
    )
    assert payment.notif_token not in notice.event_id
    with pytest.raises(WebhookRefused):
        provider.read_notification({}, b'{"status": "SUCCESS"}', utcnow())
    with pytest.raises(WebhookMismatch):
        provider.read_notification({}, b'{"status": "PAID", "notif_token": "x"}', utcnow())
