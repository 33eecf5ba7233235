"""The loyalty API: who may read and change what, adjustments idempotent by reference, and bad
input answered with problem+json naming the field."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import COMBINATIONS
from tests.engines.loyalty.support import CUSTOMER, ledger, points

BASE = f"/api/loyalty/customers/{CUSTOMER}"


def _problem(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if code is not None:
        assert body["code"] == code
    if field is not None:
        assert body["field"] == field
    return body


async def test_a_customer_reads_their_own_balance_only(api):
    mine = await api.get(BASE, role="customer", subject=CUSTOMER)
    assert mine.status_code == 200
    assert mine.json() == {
        "customer_id": CUSTOMER, "available": 0, "pending": 0, "value": 0, "tier": "bronze",
        "earn_multiplier": 1.0, "free_shipping": False, "qualifying_points": 0,
        "next_tier": "silver", "points_to_next_tier": 10_000, "birthday": None,
        "referrer_id": None,
    }  # fmt: skip
    _problem(await api.get(BASE, role="customer", subject="cust-other"), 404, "not_found")
    _problem(await api.get(f"{BASE}/ledger", role="customer", subject="cust-other"), 404)
    _problem(await api.get(f"{BASE}/rewards", role="customer", subject="cust-other"), 404)
    _problem(await api.get(BASE), 401)
    _problem(await api.get(BASE, role="technician"), 403)
    assert (await api.get(BASE, role="staff")).status_code == 200


async def test_staff_adjust_once_per_reference(api):
    body = {"points": 2_000, "reference": "RECLAMATION-42", "note": "Livraison en retard"}
    first = await api.post(f"{BASE}/adjustments", json=body, role="staff", subject="agent-fatou")
    assert first.status_code == 201, first.text
    again = await api.post(f"{BASE}/adjustments", json=body, role="staff", subject="agent-fatou")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await points(api) == (2_000, 0)
    [entry] = await ledger(api)
    assert (entry["reason"], entry["reference"], entry["actor"], entry["note"]) == (
        "adjustment", "RECLAMATION-42", "agent-fatou", "Livraison en retard",
    )  # fmt: skip
    other = {**body, "points": 3_000}
    _problem(
        await api.post(f"{BASE}/adjustments", json=other, role="staff"), 409, "conflict",
        "body.reference",
    )  # fmt: skip
    too_much = {"points": -2_001, "reference": "R-43", "note": "erreur"}
    _problem(
        await api.post(f"{BASE}/adjustments", json=too_much, role="staff"), 409, None, "body.points"
    )
    _problem(await api.post(f"{BASE}/adjustments", json=body, role="customer"), 403)
    assert await points(api) == (2_000, 0)


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_an_adjustment_sent_many_times_at_once_credits_once(api):
    body = {"points": 700, "reference": "CAMPAGNE-TABASKI", "note": "Bonus Tabaski"}
    answers = await asyncio.gather(
        *(api.post(f"{BASE}/adjustments", json=body, role="staff") for _ in range(6))
    )
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await points(api) == (700, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"points": 0, "reference": "R", "note": "n"}, "body.points"),
     ({"points": 10, "reference": " ", "note": "n"}, "body.reference"),
     ({"points": 10, "reference": "R"}, "body.note"),
     ({"points": "beaucoup", "reference": "R", "note": "n"}, "body.points"),
     ({"points": 10**7, "reference": "R", "note": "n"}, "body.points"),
     ({"points": 10, "reference": "R", "note": "n", "extra": 1}, "body.extra")],
)  # fmt: skip
async def test_bad_adjustments_name_the_field(api, body, field):
    _problem(
        await api.post(f"{BASE}/adjustments", json=body, role="staff"), 422, "validation_error",
        field,
    )  # fmt: skip


async def test_the_profile_sets_a_birthday_and_a_referrer_once(api):
    url = f"{BASE}/profile"
    set_ = await api.patch(
        url, json={"birthday": "1994-07-14", "referrer_id": "cust-ibou"}, role="customer",
        subject=CUSTOMER,
    )  # fmt: skip
    assert set_.status_code == 200, set_.text
    assert (set_.json()["birthday"], set_.json()["referrer_id"]) == ("1994-07-14", "cust-ibou")
    again = await api.patch(url, json={"referrer_id": "cust-awa2"}, role="staff")
    _problem(again, 409, "conflict", "body.referrer_id")
    _problem(
        await api.patch(url, json={"birthday": None}, role="staff"), 422, "validation_error",
        "body.birthday",
    )  # fmt: skip
    _problem(
        await api.patch(url, json={"birthday": "14/07/1994"}, role="staff"), 422, None,
        "body.birthday",
    )  # fmt: skip
    _problem(await api.patch(url, json={}, role="customer", subject="cust-other"), 404)
    self_ref = await api.patch(
        "/api/loyalty/customers/cust-new/profile", json={"referrer_id": "cust-new"}, role="staff"
    )
    _problem(self_ref, 409, "conflict", "body.referrer_id")


async def test_staff_manage_earn_rules(api):
    rule = {"scope": "brand", "target": "Samsung", "multiplier": 1.5}
    made = await api.post("/api/loyalty/rules", json=rule, role="staff")
    assert made.status_code == 201, made.text
    assert made.json()["multiplier"] == 1.5
    _problem(
        await api.post("/api/loyalty/rules", json=rule, role="staff"), 409, None, "body.target"
    )
    _problem(await api.post("/api/loyalty/rules", json=rule, role="customer"), 403)
    for bad, field in (
        ({**rule, "scope": "colour"}, "body.scope"),
        ({**rule, "multiplier": 1}, "body.multiplier"),
        ({**rule, "multiplier": 11}, "body.multiplier"),
        ({**rule, "target": ""}, "body.target"),
    ):
        _problem(await api.post("/api/loyalty/rules", json=bad, role="staff"), 422, None, field)
    listed = await api.get("/api/loyalty/rules", role="staff")
    assert [r["target"] for r in listed.json()] == ["Samsung"]
    _problem(await api.get("/api/loyalty/rules", role="customer"), 403)
    gone = await api.delete(f"/api/loyalty/rules/{made.json()['id']}", role="staff")
    assert gone.status_code == 204
    _problem(await api.delete(f"/api/loyalty/rules/{made.json()['id']}", role="staff"), 404)


async def test_anyone_reads_tiers_and_rewards_staff_create_rewards(api):
    tiers = await api.get("/api/loyalty/tiers")
    assert [(t["name"], t["free_shipping"]) for t in tiers.json()] == [
        ("bronze", False), ("silver", False), ("gold", True),
    ]  # fmt: skip
    reward = {"name": "Bon de 5 000 F CFA", "threshold": 20_000, "kind": "voucher", "value": 5_000}
    made = await api.post("/api/loyalty/rewards", json=reward, role="staff")
    assert made.status_code == 201, made.text
    assert [r["name"] for r in (await api.get("/api/loyalty/rewards")).json()] == [reward["name"]]
    _problem(await api.post("/api/loyalty/rewards", json=reward, role="customer"), 403)
    bad = {**reward, "threshold": 0}
    _problem(await api.post("/api/loyalty/rewards", json=bad, role="staff"), 422, None,
             "body.threshold")  # fmt: skip


async def test_staff_run_expiry_and_the_review_now(api):
    expired = await api.post("/api/loyalty/expiry", role="staff")
    assert expired.json() == {"points_expired": 0}
    reviewed = await api.post("/api/loyalty/tiers/review", role="staff")
    assert reviewed.json() == {"downgraded": 0}
    _problem(await api.post("/api/loyalty/expiry", role="customer"), 403)
