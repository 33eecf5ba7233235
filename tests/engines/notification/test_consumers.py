"""Events to messages, end to end: the real system consumes the other engines' events and
sends through the simulators (WhatsApp, Orange SMS) and a real SMTP server."""

from __future__ import annotations

import json

import pytest

from itvision.engines.loyalty.events import SOURCE as LOYALTY
from itvision.engines.notification.events import SOURCE
from itvision.engines.order.events import SOURCE as ORDER
from itvision.engines.order.events import OrderConfirmed
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS, eventually
from tests.engines.notification.support import (
    emit,
    messages_of,
    order_placed,
    set_contact,
    tier_upgraded,
    wait_message,
)
from tests.engines.promotion.support import wait_applied, wait_published


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_tier_upgrade_goes_by_whatsapp_and_falls_back_to_sms(api, system, messaging):
    await set_contact(api, "cust-gold")
    await emit(system, LOYALTY, tier_upgraded("cust-gold"))
    sent = await wait_message(
        api, "cust-gold", lambda m: m["status"] in ("sent", "delivered"), "the tier upgrade sent"
    )
    assert sent["channel"] == "whatsapp" and sent["kind"] == "tier_upgraded"
    assert "niveau Or" in sent["body"]
    [whatsapp] = messaging.whatsapp.messages
    assert whatsapp.to == "221771234567" and whatsapp.type == "template"
    template = whatsapp.body["template"]
    assert template["name"] == "tier_upgraded" and template["language"]["code"] == "fr"
    assert template["components"][0]["parameters"] == [{"type": "text", "text": "Or"}]
    await wait_published(system, "notification.whatsapp.sent", 1)
    # The simulator's signed status webhooks come back: delivered.
    await wait_message(api, "cust-gold", lambda m: m["status"] == "delivered", "delivered")

    messaging.whatsapp.fail()  # undeliverable: permanent, so SMS takes over at once
    await set_contact(
        api, "cust-silver", phone="+2250701020304", country="CI", time_zone="Africa/Abidjan"
    )
    await emit(system, LOYALTY, tier_upgraded("cust-silver"))
    sms = await wait_message(api, "cust-silver", lambda m: m["status"] == "sent", "SMS sent")
    assert sms["channel"] == "sms" and sms["chain"] == "whatsapp,sms"
    assert "131026" in sms["last_error"]
    [text] = messaging.sms.messages
    assert text.to == "+2250701020304" and "niveau Or" in text.text
    await wait_published(system, "notification.sms.sent", 1)


async def test_an_event_delivered_twice_makes_one_message(api, system, messaging):
    await set_contact(api, "cust-1")
    payload = tier_upgraded("cust-1")
    async with system.uows(LOYALTY) as uow:
        envelope = uow.emit(payload)
    await wait_applied(system, str(envelope.id), SOURCE)
    # The same event again (a redelivery): the consumer's use case finds its message.
    from itvision.engines.notification.commands import Notify
    from itvision.engines.notification.services.messages import notify_customer

    again = Notify(str(envelope.id), "cust-1", "tier_upgraded", {"tier": "gold"})
    assert await notify_customer(system, again) is None
    await wait_message(api, "cust-1", lambda m: m["status"] != "queued", "sent")
    assert len(await messages_of(api, "cust-1")) == 1
    assert len(messaging.whatsapp.messages) == 1


async def test_an_order_s_news_uses_the_delivery_phone_and_waits_for_the_order(
    api, system, messaging
):
    # Confirmed before placed: parked until placed brings the phone.
    confirmed = OrderConfirmed(
        order_id="ord-9",
        customer_id="cust-9",
        total=45500,
        payment_method="cash_on_delivery",
        confirmed_at=utcnow(),
    )
    await emit(system, ORDER, confirmed)
    await emit(system, ORDER, order_placed("ord-9", "cust-9", phone="+221781112233"))

    async def both() -> bool:
        found = await messages_of(api, "cust-9", order_id="ord-9")
        # Billing invoices the confirmed order too: its message comes along.
        sent = {m["kind"] for m in found if m["status"] != "queued"}
        return sent == {"order_placed", "order_confirmed", "invoice_available"}

    await eventually(both, 30, "the order's messages sent")
    assert {m.to for m in messaging.whatsapp.messages} == {"221781112233"}
    staff_view = await api.get(
        "/api/notifications/messages", params={"order_id": "ord-9"}, role="staff"
    )
    assert staff_view.json()["total"] == 3
    invoice = next(m for m in await messages_of(api, "cust-9") if m["kind"] == "invoice_available")
    assert "45\u202f500" in invoice["body"] and "/api/billing/invoices/" in invoice["body"]


async def test_email_is_the_last_resort_through_a_real_smtp_server(api, system, messaging):
    messaging.whatsapp.fail()
    messaging.sms.failure = 403
    await set_contact(api, "cust-mail", email="awa@example.sn", language="en")
    await emit(system, LOYALTY, tier_upgraded("cust-mail"))
    sent = await wait_message(api, "cust-mail", lambda m: m["status"] == "sent", "email sent")
    assert sent["channel"] == "email" and sent["locale"] == "en"
    [mail] = messaging.mailbox.messages
    assert mail["To"] == "awa@example.sn" and mail["Subject"] == "New tier"
    assert "Gold" in mail.get_payload() or "gold" in mail.get_payload()
    await wait_published(system, "notification.email.sent", 1)


@pytest.mark.parametrize("notification_overrides", [{"whatsapp_token": ""}])
async def test_a_channel_without_credentials_is_skipped_without_a_call(api, system, messaging):
    await set_contact(api, "cust-nowa")
    await emit(system, LOYALTY, tier_upgraded("cust-nowa"))
    sent = await wait_message(api, "cust-nowa", lambda m: m["status"] == "sent", "SMS sent")
    assert (sent["channel"], sent["chain"], sent["last_error"]) == ("sms", "sms", None)
    assert messaging.whatsapp.messages == [] and len(messaging.sms.messages) == 1


@pytest.mark.parametrize(
    "notification_overrides", [{"whatsapp_token": "", "orange_sms_client_id": "", "smtp_host": ""}]
)
async def test_without_any_channel_configured_a_message_fails_at_once(api, system, messaging):
    await set_contact(api, "cust-none")
    await emit(system, LOYALTY, tier_upgraded("cust-none"))
    failed = await wait_message(api, "cust-none", lambda m: m["status"] == "failed", "failed")
    assert failed["last_error"] == "no channel is configured (WhatsApp, SMS or email)"
    [event] = await wait_published(system, "notification.message.failed", 1)
    assert event["channelsTried"] == []


async def test_when_every_channel_fails_the_message_fails_with_an_event(api, system, messaging):
    messaging.whatsapp.fail()
    messaging.sms.failure = 403
    await set_contact(api, "cust-x")
    await emit(system, LOYALTY, tier_upgraded("cust-x"))
    failed = await wait_message(api, "cust-x", lambda m: m["status"] == "failed", "failed")
    assert failed["channel"] == "sms"
    [event] = await wait_published(system, "notification.message.failed", 1)
    assert event["channelsTried"] == ["whatsapp", "sms"]


async def test_opting_out_of_an_optional_kind_sends_nothing(api, system, messaging):
    await set_contact(api, "cust-quiet")
    response = await api.put(
        "/api/notifications/preferences/cust-quiet",
        json={
            "choices": [
                {"kind": "*", "channel": c, "enabled": False} for c in ("whatsapp", "sms", "email")
            ]
        },
        role="customer",
        subject="cust-quiet",
    )
    assert response.status_code == 200, response.text
    await emit(system, LOYALTY, tier_upgraded("cust-quiet"))
    failed = await wait_message(api, "cust-quiet", lambda m: m["status"] == "failed", "recorded")
    assert "turned off" in failed["last_error"]
    assert messaging.whatsapp.messages == []


async def test_a_message_follows_the_kinds_own_choice_and_the_rewritten_template(api, system):
    """A choice made for the kind wins over the one made for every kind, and the template
    staff rewrote in the customer's language is the one the message is written from."""
    await set_contact(api, "cust-en", language="en")
    rewritten = {"subject": "Well done", "body": "Your tier is now {tier}."}
    url = "/api/notifications/templates/tier_upgraded/en"
    assert (await api.put(url, json=rewritten, role="staff")).status_code == 200
    every_kind = [{"kind": "*", "channel": c, "enabled": False} for c in ("whatsapp", "sms")]
    response = await api.put(
        "/api/notifications/preferences/cust-en",
        json={
            "choices": [*every_kind, {"kind": "tier_upgraded", "channel": "sms", "enabled": True}]
        },
        role="customer",
        subject="cust-en",
    )
    assert response.status_code == 200, response.text
    await emit(system, LOYALTY, tier_upgraded("cust-en"))
    sent = await wait_message(api, "cust-en", lambda m: m["status"] == "sent", "sent by SMS")
    assert sent["channel"] == "sms" and sent["chain"] == "sms"
    assert sent["body"].startswith("Your tier is now ")


async def test_a_subscribed_browser_gets_a_web_push_too(api, system, messaging):
    subscription = messaging.push.subscribe()
    keys = subscription["keys"]
    push = {"endpoint": subscription["endpoint"], "p256dh": keys["p256dh"], "auth": keys["auth"]}
    await set_contact(api, "cust-web", push=push)
    await emit(system, LOYALTY, tier_upgraded("cust-web"))
    [event] = await wait_published(system, "notification.push.sent", 1)
    assert event["deviceId"] == subscription["endpoint"] and event["title"] == "Nouveau niveau"
    [browser] = messaging.push.subscriptions.values()
    [received] = browser.received
    assert json.loads(received)["body"] == "Félicitations ! Vous passez au niveau Or."
    assert len(messaging.whatsapp.messages) == 1  # the chain's message went as well


async def test_a_rate_limited_channel_is_retried_with_backoff_before_the_next_one(
    api, system, messaging
):
    messaging.whatsapp.fail(code=130429, status=429)  # rate limited: worth trying again
    await set_contact(api, "cust-busy")
    await emit(system, LOYALTY, tier_upgraded("cust-busy"))
    retried = await wait_message(api, "cust-busy", lambda m: m["attempts"] == 1, "a retry")
    assert retried["status"] == "queued" and retried["channel"] == "whatsapp"
    assert "130429" in retried["last_error"]
    sent = await wait_message(api, "cust-busy", lambda m: m["status"] == "sent", "the SMS")
    assert sent["channel"] == "sms"  # two attempts on WhatsApp (the tests' setting), then SMS


async def test_group_buy_participants_hear_of_the_tier_their_group_reached(api, system, messaging):
    from itvision.engines.groupbuy.events import SOURCE as GROUPBUY
    from itvision.engines.groupbuy.events import ParticipantJoined, ThresholdReached

    for i, customer in enumerate(("cust-g1", "cust-g2"), start=1):
        await set_contact(api, customer, phone=f"+22177000000{i}")
        await emit(
            system,
            GROUPBUY,
            ParticipantJoined(
                group_id="GB-1",
                customer_id=customer,
                quantity=1,
                total_quantity=i,
                participant_count=i,
                joined_at=utcnow(),
            ),
        )
        await wait_message(api, customer, lambda m: m["kind"] == "group_joined", "joined")
    await emit(
        system,
        GROUPBUY,
        ThresholdReached(
            group_id="GB-1",
            product_id="p-1",
            threshold_quantity=2,
            total_quantity=2,
            unit_price=39000,
            reached_at=utcnow(),
        ),
    )
    for customer in ("cust-g1", "cust-g2"):
        tier = await wait_message(
            api, customer, lambda m: m["kind"] == "group_tier_reached", "the tier news"
        )
        assert "39\u202f000" in tier["body"]


async def test_a_participant_hears_their_place_released_then_their_refund(api, system, messaging):
    from itvision.engines.groupbuy.events import SOURCE as GROUPBUY
    from itvision.engines.groupbuy.events import ParticipantLeft
    from itvision.engines.payment.events import SOURCE as PAYMENT
    from itvision.engines.payment.events import RefundCompleted

    await set_contact(api, "cust-left")
    left = ParticipantLeft(
        group_id="GB-2",
        participation_id="gbp-1",
        customer_id="cust-left",
        sku="UPS-1500",
        quantity=1,
        reason="left",
        paid=True,
        participant_count=0,
        total_quantity=0,
        left_at=utcnow(),
    )
    await emit(system, GROUPBUY, left)
    released = await wait_message(api, "cust-left", lambda m: m["kind"] == "group_left", "left")
    assert "GB-2" in released["body"] and "remboursé" in released["body"]
    refund = {
        "payment_id": "pay-1",
        "customer_id": "cust-left",
        "amount": 39_000,
        "method": "wave",
        "manual": False,
        "completed_at": utcnow(),
    }
    await emit(
        system,
        PAYMENT,
        RefundCompleted(refund_id="ref-1", order_id="gbp-1", participation_id="gbp-1", **refund),
    )
    # An order's refund is told by its credit note and timeline, not by this message.
    order_refund = RefundCompleted(refund_id="ref-2", order_id="ord-1", **refund)
    order_refund_event = await emit(system, PAYMENT, order_refund)
    refunded = await wait_message(
        api, "cust-left", lambda m: m["kind"] == "group_refunded", "refunded"
    )
    assert "39\u202f000" in refunded["body"]
    await wait_applied(system, order_refund_event, SOURCE)
    assert [m["kind"] for m in await messages_of(api, "cust-left")].count("group_refunded") == 1


async def test_points_about_to_expire_are_announced_with_the_date_in_the_customer_s_zone(
    api, system, messaging
):
    from datetime import UTC, datetime

    from itvision.engines.loyalty.events import PointsExpiring

    await set_contact(
        api, "cust-ci", phone="+2250701020304", country="CI", time_zone="Africa/Abidjan"
    )
    await set_contact(api, "cust-paris", language="en", time_zone="Europe/Paris")
    expires_at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    for customer in ("cust-ci", "cust-paris"):
        warning = PointsExpiring(
            customer_id=customer,
            points=1500,
            balance=2300,
            expires_at=expires_at,
            warned_at=utcnow(),
        )
        await emit(system, LOYALTY, warning)
    ci = await wait_message(api, "cust-ci", lambda m: m["status"] == "sent", "the CI warning")
    assert ci["kind"] == "points_expiring" and ci["subject"] == "Points bientôt expirés"
    assert ci["body"] == "1\u202f500 points expirent le 31 décembre 2026 23:30. Utilisez-les !"
    paris = await wait_message(api, "cust-paris", lambda m: m["status"] == "sent", "in English")
    assert paris["body"] == "1,500 points expire on 1 January 2027 00:30. Use them!"
    sent = {m.to: m.body["template"] for m in messaging.whatsapp.messages}
    assert sent["2250701020304"]["name"] == "points_expiring"
    assert sent["2250701020304"]["components"][0]["parameters"] == [
        {"type": "text", "text": "1\u202f500"},
        {"type": "text", "text": "31 décembre 2026 23:30"},
    ]
