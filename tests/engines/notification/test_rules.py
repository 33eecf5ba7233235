"""The notification rules as pure functions: channels, opt-out, quiet hours, fallback,
templates, webhooks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from itvision.engines.notification.rules import delivery, webhooks
from itvision.engines.notification.rules.delivery import Reach
from itvision.engines.notification.rules.stock import back_in_stock
from itvision.engines.notification.rules.templates import (
    BUILT_IN,
    KINDS,
    Money,
    Text,
    placeholders,
    render,
    unknown_placeholders,
)

PHONE = Reach(phone="+221771234567")
EVERYTHING = Reach(phone="+221771234567", email="awa@example.sn")


def test_the_chain_is_whatsapp_then_sms_then_email_as_far_as_the_customer_is_reachable():
    assert delivery.fallback_chain(EVERYTHING, {}, transactional=True) == [
        "whatsapp",
        "sms",
        "email",
    ]
    assert delivery.fallback_chain(PHONE, {}, transactional=True) == ["whatsapp", "sms"]
    assert delivery.fallback_chain(Reach(email="a@b.sn"), {}, transactional=False) == ["email"]
    assert delivery.fallback_chain(Reach(), {}, transactional=True) == []


def test_a_channel_turned_off_is_left_out():
    chain = delivery.fallback_chain(EVERYTHING, {"whatsapp": False}, transactional=False)
    assert chain == ["sms", "email"]


def test_opting_out_of_everything_silences_optional_messages_only():
    off = {"whatsapp": False, "sms": False, "email": False}
    assert delivery.fallback_chain(EVERYTHING, off, transactional=False) == []
    assert delivery.fallback_chain(EVERYTHING, off, transactional=True) == ["whatsapp"]


def test_quiet_hours_delay_optional_messages_to_their_end_in_the_local_zone():
    abidjan = Reach(phone="+2250701020304", time_zone="Africa/Abidjan", quiet_start=21, quiet_end=8)
    night = datetime(2026, 11, 30, 23, 15, tzinfo=UTC)  # 23:15 in Abidjan (UTC+0)
    assert delivery.send_at(night, abidjan, transactional=False) == datetime(
        2026, 12, 1, 8, 0, tzinfo=UTC
    )
    assert delivery.send_at(night, abidjan, transactional=True) == night
    early = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert delivery.send_at(early, abidjan, transactional=False) == datetime(
        2026, 11, 30, 8, 0, tzinfo=UTC
    )
    noon = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert delivery.send_at(noon, abidjan, transactional=False) == noon


def test_quiet_hours_within_one_day():
    siesta = Reach(phone="+221771234567", quiet_start=13, quiet_end=15)
    at = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert delivery.send_at(at, siesta, transactional=False) == at.replace(hour=15)
    assert delivery.send_at(at.replace(hour=15), siesta, transactional=False) == at.replace(hour=15)


def test_a_failure_is_retried_with_backoff_then_the_next_channel_takes_over():
    chain = ["whatsapp", "sms", "email"]
    first = delivery.after_failure(chain, "whatsapp", 1, permanent=False, per_channel=3)
    assert (first.channel, first.delay) == ("whatsapp", timedelta(seconds=2))
    second = delivery.after_failure(chain, "whatsapp", 2, permanent=False, per_channel=3)
    assert second.delay == timedelta(seconds=4)
    over = delivery.after_failure(chain, "whatsapp", 3, permanent=False, per_channel=3)
    assert (over.channel, over.attempts, over.delay) == ("sms", 0, timedelta(0))
    refused = delivery.after_failure(chain, "whatsapp", 1, permanent=True, per_channel=3)
    assert refused.channel == "sms"
    last = delivery.after_failure(chain, "email", 1, permanent=True, per_channel=3)
    assert last.channel is None


def test_backoff_is_capped_at_ten_minutes():
    assert delivery.backoff(30) == timedelta(minutes=10)


def test_every_kind_has_french_and_english_texts_using_only_its_variables():
    for kind, spec in KINDS.items():
        for locale in ("fr", "en"):
            text = BUILT_IN[(kind, locale)]
            assert unknown_placeholders(kind, text.subject + text.body) == [], (kind, locale)
            rendered = render(text, spec.sample, locale, "SN", "Africa/Dakar")
            assert "{" not in rendered.body


def test_money_and_dates_are_formatted_for_senegal_and_cote_d_ivoire():
    text = Text("x", "{total} le {delivered_at}")
    values = {"total": Money(45500), "delivered_at": datetime(2026, 11, 30, 10, 30, tzinfo=UTC)}
    dakar = render(text, values, "fr", "SN", "Africa/Dakar").body
    assert "45\u202f500" in dakar and ("F\u202fCFA" in dakar or "FCFA" in dakar)
    assert "30 novembre 2026 10:30" in dakar
    assert "45,500" in render(text, values, "en", "SN", "Africa/Dakar").body


def test_whatsapp_parameters_follow_the_body_order():
    text = Text("s", "{b} puis {a} puis {b}")
    assert render(text, {"a": "A", "b": "B"}, "fr", "SN", "Africa/Dakar").parameters == ["B", "A"]
    assert placeholders("{x}{y}{x}") == ["x", "y"]


def test_a_template_may_not_name_unknown_placeholders():
    assert unknown_placeholders("tier_upgraded", "Bravo {tier} {name}") == ["name"]
    with pytest.raises(ValueError):
        unknown_placeholders("tier_upgraded", "Bravo {tier")


def test_webhook_signatures_and_the_subscription_check():
    body = b'{"entry": []}'
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert webhooks.signature_valid("s3cret", body, good)
    assert not webhooks.signature_valid("s3cret", body + b" ", good)
    assert not webhooks.signature_valid("s3cret", body, None)
    assert not webhooks.signature_valid("", body, good)
    assert webhooks.subscription_answer("subscribe", "tok", "tok")
    assert not webhooks.subscription_answer("subscribe", "bad", "tok")
    assert not webhooks.subscription_answer("unsubscribe", "tok", "tok")


def test_statuses_and_inbound_messages_are_read_from_the_webhook_document():
    document = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "statuses": [
                                {"id": "wamid.1", "status": "read"},
                                {
                                    "id": "wamid.2",
                                    "status": "failed",
                                    "errors": [{"code": 131026, "title": "undeliverable"}],
                                },
                                {"id": "wamid.3", "status": "weird"},
                            ],
                            "messages": [{"from": "221771234567", "timestamp": "1764500000"}],
                        }
                    }
                ]
            }
        ]
    }
    found = webhooks.statuses_of(document)
    assert [(s.message_id, s.status) for s in found] == [("wamid.1", "read"), ("wamid.2", "failed")]
    assert found[1].error == "131026: undeliverable"
    assert webhooks.inbound_of(document)[0].phone == "221771234567"
    assert webhooks.statuses_of("nonsense") == []


def test_a_sku_is_back_when_a_movement_takes_its_available_stock_from_none_to_some():
    assert back_in_stock(3, 3, 0)  # a delivery to an empty shelf
    assert back_in_stock(1, 0, -1)  # a cancelled order's reservation released
    assert back_in_stock(2, 5, 3)  # received, part of it reserved at once
    assert not back_in_stock(7, 2, 0)  # there was some already
    assert not back_in_stock(0, 4, 4)  # all of it spoken for
    assert not back_in_stock(0, -2, 0)  # stock leaving
    assert not back_in_stock(4, 0, 0)
