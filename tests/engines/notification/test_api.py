"""The notification API: contacts and preferences (own or staff), templates (staff), messages,
WhatsApp's webhook (signed) and subscription check; bad input is a 422 naming the field."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.support.messaging import SIMULATED

CONTACT = "/api/notifications/contacts"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "771234567"}, "body.phone"),
        ({"email": "not-an-email"}, "body.email"),
        ({"language": "wo"}, "body.language"),
        ({"country": "FR"}, "body.country"),
        ({"time_zone": "Mars/Olympus"}, "body.time_zone"),
        ({"quiet_start": 24}, "body.quiet_start"),
        ({"push": {"endpoint": "ftp://x", "p256dh": "k", "auth": "a"}}, "body.push.endpoint"),
        ({"phone": "+221771234567", "nickname": "x"}, "body.nickname"),
    ],
)
async def test_bad_contact_details_are_refused_naming_the_field(api, body, field):
    response = await api.put(f"{CONTACT}/cust-1", json=body, role="customer", subject="cust-1")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_a_customer_manages_only_their_own_contact(api):
    body = {
        "phone": "+221771234567",
        "email": "awa@example.sn",
        "quiet_start": 22,
        "quiet_end": 7,
        "push": {"endpoint": "https://push.example/sub/1", "p256dh": "k", "auth": "a"},
    }
    mine = await api.put(f"{CONTACT}/cust-1", json=body, role="customer", subject="cust-1")
    assert mine.status_code == 200 and mine.json()["push_subscribed"] is True
    other = await api.get(f"{CONTACT}/cust-1", role="customer", subject="cust-2")
    assert other.status_code == 404
    assert (
        await api.put(f"{CONTACT}/cust-1", json=body, role="customer", subject="cust-2")
    ).status_code == 404
    staff = await api.get(f"{CONTACT}/cust-1", role="staff")
    assert staff.status_code == 200 and staff.json()["quiet_start"] == 22
    assert (await api.get(f"{CONTACT}/cust-1")).status_code == 401
    assert (await api.get(f"{CONTACT}/cust-1", role="partner")).status_code == 403
    assert (await api.get(f"{CONTACT}/nobody", role="staff")).status_code == 404


async def test_preferences_per_kind_and_channel(api):
    url = "/api/notifications/preferences/cust-1"
    body = {"choices": [{"kind": "points_earned", "channel": "sms", "enabled": False}]}
    saved = await api.put(url, json=body, role="customer", subject="cust-1")
    assert saved.json() == [{"kind": "points_earned", "channel": "sms", "enabled": False}]
    bad = await api.put(
        url,
        json={"choices": [{"kind": "spam", "channel": "sms", "enabled": False}]},
        role="customer",
        subject="cust-1",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "body.choices.0.kind"
    empty = await api.put(url, json={"choices": []}, role="customer", subject="cust-1")
    assert empty.status_code == 422
    assert (await api.get(url, role="customer", subject="cust-2")).status_code == 404


async def test_staff_edit_and_preview_templates(api):
    url = "/api/notifications/templates/tier_upgraded/fr"
    assert (await api.get(url, role="customer")).status_code == 403
    body = {"subject": "Bravo !", "body": "Vous êtes désormais client {tier}."}
    edited = await api.put(url, json=body, role="staff")
    assert edited.status_code == 200 and edited.json()["edited"] is True
    preview = await api.get(f"{url}/preview", role="staff")
    assert preview.json()["body"] == "Vous êtes désormais client Or."
    unknown = await api.put(url, json={"subject": "x", "body": "Salut {prenom}"}, role="staff")
    assert unknown.status_code == 422 and unknown.json()["field"] == "body.body"
    broken = await api.put(url, json={"subject": "x {", "body": "y"}, role="staff")
    assert broken.status_code == 422 and broken.json()["field"] == "body.subject"
    assert (await api.get("/api/notifications/templates/nope/fr", role="staff")).status_code == 422
    money = await api.get(
        "/api/notifications/templates/order_confirmed/fr/preview",
        params={"country": "CI"},
        role="staff",
    )
    assert "45\u202f500" in money.json()["body"]
    listed = await api.get("/api/notifications/templates", role="staff")
    assert len(listed.json()) >= 34


async def test_the_whatsapp_subscription_check(api):
    url = "/api/notifications/webhooks/whatsapp"
    ok = await api.get(
        url,
        params={
            "hub.mode": "subscribe",
            "hub.challenge": "1158201444",
            "hub.verify_token": SIMULATED["whatsapp_verify_token"],
        },
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = await api.get(
        url, params={"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "guess"}
    )
    assert bad.status_code == 403


async def test_an_unsigned_or_badly_signed_status_webhook_is_refused(api):
    url = "/api/notifications/webhooks/whatsapp"
    body = json.dumps({"entry": []}).encode()
    assert (
        await api.post(url, content=body, headers={"Content-Type": "application/json"})
    ).status_code == 403
    wrong = {"X-Hub-Signature-256": "sha256=" + "0" * 64, "Content-Type": "application/json"}
    assert (await api.post(url, content=body, headers=wrong)).status_code == 403
    digest = hmac.new(SIMULATED["whatsapp_app_secret"].encode(), body, hashlib.sha256)
    good = {
        "X-Hub-Signature-256": "sha256=" + digest.hexdigest(),
        "Content-Type": "application/json",
    }
    answer = await api.post(url, content=body, headers=good)
    assert answer.status_code == 200 and answer.json() == {"applied": 0, "parked": 0}


async def test_messages_are_private_and_the_sender_is_staff_only(api):
    assert (await api.get("/api/notifications/messages", role="customer", subject="c")).json()[
        "items"
    ] == []
    assert (await api.get("/api/notifications/messages/nope", role="staff")).status_code == 404
    assert (await api.post("/api/notifications/send", role="customer")).status_code == 403
    assert (await api.post("/api/notifications/send", role="staff")).status_code == 200
