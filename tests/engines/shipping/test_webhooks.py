"""A carrier reports through its signed webhook: a signed report moves the parcel; a forged,
unsigned or replayed one is refused and changes nothing; the same report twice has one
effect; a carrier reaches only its own parcels."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from itvision.engines.shipping.rules.signatures import HEADER
from tests.conftest import COMBINATIONS
from tests.engines.shipping.support import published, ship, signed

DATABASES = [c for c in COMBINATIONS if c.id.endswith("sqllog")]

URL = "/api/shipping/webhooks/coursier"


def body_for(shipment: dict[str, Any], status: str, **fields: Any) -> dict[str, Any]:
    return {
        "tracking_number": shipment["tracking_number"],
        "status": status,
        "occurred_at": "2026-11-30T10:00:00Z",
        **fields,
    }


async def _state(api, order_id: str) -> tuple[str, int]:
    updated = await published(api.platform, "shipping.shipment.updated", order_id)
    return updated[-1]["status"], len(updated)


async def test_a_signed_report_moves_the_parcel(api):
    shipment = await ship(api, "o-1")
    answer = await api.post(URL, **signed(body_for(shipment, "picked_up", location="Dépôt")))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "shipment_id": shipment["id"],
        "status": "picked_up",
        "duplicate": False,
    }
    [dispatched] = await published(api.platform, "shipping.shipment.dispatched", "o-1")
    assert dispatched["dispatchedAt"].startswith("2026-11-30T10:00:00")
    updated = await published(api.platform, "shipping.shipment.updated", "o-1")
    assert (updated[-1]["changedBy"], updated[-1]["location"]) == ("coursier", "Dépôt")


async def test_the_same_report_twice_has_one_effect(api):
    shipment = await ship(api, "o-2")
    report = signed(body_for(shipment, "picked_up", event_id="evt-1"))
    first = await api.post(URL, **report)
    second = await api.post(URL, **report)
    assert (first.json()["duplicate"], second.json()["duplicate"]) == (False, True)
    # Without an event id, the same status at the same time is the same report.
    plain = signed(body_for(shipment, "in_transit"))
    assert (await api.post(URL, **plain)).json()["duplicate"] is False
    again = signed(body_for(shipment, "in_transit"))  # signed anew, a second later
    assert (await api.post(URL, **again)).json()["duplicate"] is True
    assert await _state(api, "o-2") == ("in_transit", 3)
    assert len(await published(api.platform, "shipping.shipment.dispatched", "o-2")) == 1


async def test_a_forged_report_is_refused_and_changes_nothing(api):
    shipment = await ship(api, "o-3")
    genuine = signed(body_for(shipment, "picked_up"))
    tampered = {
        "content": genuine["content"].replace(b"picked_up", b"delivered"),
        "headers": genuine["headers"],
    }
    other_secret = signed(body_for(shipment, "picked_up"), "yango")
    unsigned = {"json": body_for(shipment, "picked_up")}
    for attempt in (tampered, other_secret, unsigned):
        answer = await api.post(URL, **attempt)
        assert answer.status_code == 401, answer.text
        assert answer.json()["code"] == "invalid_signature"
        assert answer.json()["field"] == f"header.{HEADER}"
    assert await _state(api, "o-3") == ("created", 1)


async def test_a_replayed_report_is_refused(api):
    shipment = await ship(api, "o-4")
    stale = signed(body_for(shipment, "picked_up"), at=time.time() - 301)
    answer = await api.post(URL, **stale)
    assert answer.status_code == 401
    assert "window" in answer.json()["detail"]
    assert await _state(api, "o-4") == ("created", 1)


async def test_the_signature_is_checked_before_the_body(api):
    unsigned_garbage = await api.post(URL, json={"status": "teleported"})
    assert unsigned_garbage.status_code == 401
    bad = await api.post(URL, **signed({"status": "teleported"}))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"body.status", "body.tracking_number"}


async def test_a_carrier_reaches_only_its_own_parcels(api):
    shipment = await ship(api, "o-5")  # with the default carrier, coursier
    answer = await api.post(
        "/api/shipping/webhooks/yango", **signed(body_for(shipment, "picked_up"), "yango")
    )
    assert (answer.status_code, answer.json()["field"]) == (404, "body.tracking_number")
    unknown = await api.post(
        "/api/shipping/webhooks/dhl", **signed(body_for(shipment, "picked_up"))
    )
    assert (unknown.status_code, unknown.json()["field"]) == (404, "path.carrier")
    assert await _state(api, "o-5") == ("created", 1)


async def test_a_report_out_of_turn_is_a_409_with_what_is_allowed(api):
    shipment = await ship(api, "o-6")
    answer = await api.post(URL, **signed(body_for(shipment, "delivered")))
    assert answer.status_code == 409
    assert (answer.json()["current_status"], answer.json()["allowed_statuses"]) == (
        "created",
        ["cancelled", "picked_up"],
    )


async def test_a_cash_on_delivery_parcel_is_settled_through_the_webhook(api):
    shipment = await ship(api, "o-7", payment_method="cash_on_delivery", total=120_000)
    await api.post(URL, **signed(body_for(shipment, "picked_up")))
    missing = await api.post(
        URL, **signed(body_for(shipment, "delivered", occurred_at="2026-11-30T12:00:00Z"))
    )
    assert (missing.status_code, missing.json()["field"]) == (422, "body.cash_collected")
    delivered = body_for(
        shipment, "delivered", occurred_at="2026-11-30T12:00:00Z", cash_collected=120_000
    )
    assert (await api.post(URL, **signed(delivered))).status_code == 200
    [event] = await published(api.platform, "shipping.shipment.delivered", "o-7")
    assert (event["cashCollected"], event["cashDue"]) == (120_000, 120_000)


@pytest.mark.parametrize("backend_settings", DATABASES, indirect=True)
async def test_the_same_report_sent_at_once_has_one_effect(api):
    shipment = await ship(api, "o-8")
    report = signed(body_for(shipment, "picked_up", event_id="evt-8"))
    answers = await asyncio.gather(*(api.post(URL, **report) for _ in range(5)))
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True, True, True, True]
    assert len(await published(api.platform, "shipping.shipment.dispatched", "o-8")) == 1
    assert await _state(api, "o-8") == ("picked_up", 2)
