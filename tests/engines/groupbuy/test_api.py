"""The group-buy API: who may do what, bad input answered with problem+json naming the field,
and exactly-capped joins under concurrency on both databases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS
from tests.engines.groupbuy.support import DAKAR, group_of, grouped_product, join, open_group
from tests.engines.order.support import published


def _problem(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body


async def test_staff_open_groups_and_bad_terms_name_their_field(api):
    sku = await grouped_product(api)
    deadline = (utcnow() + timedelta(days=1)).isoformat()
    body = {"sku": sku.lower(), "tiers": [{"threshold": 3, "unit_price": 90_000}], "minimum": 2,
            "deadline": deadline, "unit_price": 100_000}  # fmt: skip
    _problem(await api.post("/api/group-buys", json=body), 401)
    _problem(await api.post("/api/group-buys", json=body, role="customer"), 403)
    for bad, field in [
        ({"tiers": []}, "body.tiers"),
        ({"tiers": [{"threshold": 3, "unit_price": 120_000}]}, "body.tiers.0.unit_price"),
        ({"minimum": 0}, "body.minimum"),
        ({"deadline": "demain"}, "body.deadline"),
        ({"deadline": (utcnow() - timedelta(hours=1)).isoformat()}, "body.deadline"),
        ({"sku": "INCONNU-1"}, "body.sku"),
        ({"basis": "participants", "max_participants": 3, "minimum": 4}, "body.minimum"),
        ({"surprise": 1}, "body.surprise"),
    ]:
        _problem(
            await api.post("/api/group-buys", json={**body, **bad}, role="staff"), 422, None, field
        )
    created = await api.post("/api/group-buys", json=body, role="staff")
    assert created.status_code == 201, created.text
    group = created.json()
    assert (group["sku"], group["status"], group["basis"]) == (sku, "open", "quantity")
    assert (group["current_unit_price"], group["next_tier"]) == (
        100_000, {"threshold": 3, "unit_price": 90_000},
    )  # fmt: skip
    assert (await api.get(f"/api/group-buys?sku={sku}")).json()["total"] == 1
    _problem(await api.get("/api/group-buys/GRP-NOPE"), 404, "not_found")


async def test_customers_join_leave_and_see_only_their_own(api):
    group = await open_group(api, await grouped_product(api))
    url = f"/api/group-buys/{group['id']}/participations"
    ok = {"quantity": 1, "payment_method": "wave", "delivery_address": DAKAR}
    _problem(await api.post(url, json=ok), 401)
    _problem(await api.post(url, json=ok, role="staff"), 403)
    for bad, field in [
        ({"quantity": 0}, "body.quantity"),
        ({"payment_method": "cash_on_delivery"}, "body.payment_method"),
        ({"delivery_address": None}, "body"),
        ({"delivery_address": {**DAKAR, "phone": "abc"}}, "body.delivery_address.phone"),
    ]:
        _problem(
            await api.post(url, json={**ok, **bad}, role="customer", subject="c1"), 422, None, field
        )
    _problem(
        await api.post(url, json={**ok, "quantity": 4}, role="customer", subject="c1"),
        422,
        None,
        "body.quantity",
    )
    _problem(
        await api.post("/api/group-buys/GRP-NOPE/participations", json=ok, role="customer"), 404
    )

    mine = await join(api, group["id"], "c1", 2, "orange_money", delivery_method="pickup")
    assert (mine["status"], mine["unit_price"], mine["amount_due"]) == (
        "awaiting_payment",
        100_000,
        200_000,
    )
    _problem(await api.post(url, json=ok, role="customer", subject="c1"), 409, "already_joined")
    pid = mine["id"]
    _problem(
        await api.get(f"/api/group-buys/participations/{pid}", role="customer", subject="c2"), 404
    )
    assert (
        await api.get(f"/api/group-buys/participations/{pid}", role="customer", subject="c1")
    ).status_code == 200
    listed = await api.get("/api/group-buys/participations", role="customer", subject="c2")
    assert listed.json()["total"] == 0
    _problem(await api.get(url, role="customer", subject="c1"), 403)
    assert (await api.get(url, role="staff")).json()["total"] == 1
    _problem(
        await api.post(
            f"/api/group-buys/participations/{pid}/leave", role="customer", subject="c2"
        ),
        404,
    )
    left = await api.post(
        f"/api/group-buys/participations/{pid}/leave", role="customer", subject="c1"
    )
    assert left.status_code == 200, left.text
    assert left.json()["status"] == "left"
    again = await api.post(
        f"/api/group-buys/participations/{pid}/leave", role="customer", subject="c1"
    )
    _problem(again, 409, "invalid_transition")
    assert (await group_of(api, group["id"]))["participants"] == 0


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_200_concurrent_joins_of_a_group_capped_at_50_seat_exactly_50(api):
    group = await open_group(
        api, await grouped_product(api, stock=100), max_participants=50, minimum=10,
        tiers=[{"threshold": 20, "unit_price": 90_000}, {"threshold": 40, "unit_price": 80_000}],
    )  # fmt: skip
    body = {"quantity": 1, "payment_method": "wave", "delivery_method": "pickup"}
    url = f"/api/group-buys/{group['id']}/participations"
    for n in range(200):  # tokens first, so that the joins race each other only
        await api.as_("customer", f"cust-{n}")
    answers = await asyncio.gather(
        *(api.post(url, json=body, role="customer", subject=f"cust-{n}") for n in range(200))
    )
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 50, sorted(set(statuses))
    assert statuses.count(409) == 150
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"group_full"}
    after = await group_of(api, group["id"])
    assert (after["participants"], after["quantity"]) == (50, 50)
    listed = await api.get(f"{url}?limit=100", role="staff")
    assert listed.json()["total"] == 50
    # Each tier was announced once, whoever crossed it.
    prices = sorted((a.json()["unit_price"] for a in answers if a.status_code == 201), reverse=True)
    assert prices == [100_000] * 19 + [90_000] * 20 + [80_000] * 11
    reached = await published(api.platform, "groupbuy.threshold.reached")
    assert [t["thresholdQuantity"] for t in reached] == [20, 40]
