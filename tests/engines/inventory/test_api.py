"""The inventory API: every endpoint, its roles, and bad input answered with problem+json
naming the field."""

from __future__ import annotations

import pytest

from tests.engines.inventory.support import ledger_of, level_of, published, stocked

SKU = "LAP-HP-840"


@pytest.fixture
async def sku(system):
    return await stocked(system, SKU, on_hand=10)


def _problem(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    if field is not None:
        assert body["field"] == field
    return body


async def test_anyone_lists_the_seeded_warehouses(api):
    response = await api.get("/api/inventory/locations")
    assert response.status_code == 200
    assert {(loc["code"], loc["country"], loc["is_default"]) for loc in response.json()} == {
        ("dakar", "SN", True),
        ("abidjan", "CI", True),
    }


async def test_staff_add_a_location_once(api):
    body = {"code": "thies", "name": "Dépôt de Thiès", "country": "SN"}
    created = await api.post("/api/inventory/locations", json=body, role="staff")
    assert created.status_code == 201
    assert created.json() == {**body, "is_default": False}
    duplicate = await api.post("/api/inventory/locations", json=body, role="staff")
    assert "thies" in _problem(duplicate, 409, "conflict", "body.code")["detail"]
    _problem(
        await api.post("/api/inventory/locations", json=body, role="customer"), 403, "forbidden"
    )
    bad = {**body, "code": "Thiès Nord"}
    _problem(
        await api.post("/api/inventory/locations", json=bad, role="staff"),
        422,
        "validation_error",
        "body.code",
    )


async def test_anyone_reads_availability_only(api, sku):
    response = await api.get(f"/api/inventory/stock/{sku}")
    assert response.status_code == 200
    assert response.json() == {
        "sku": SKU,
        "available": 10,
        "in_stock": True,
        "locations": [
            {"warehouse_id": "abidjan", "available": 0},
            {"warehouse_id": "dakar", "available": 10},
        ],
    }
    as_customer = await api.get(f"/api/inventory/stock/{sku}", role="customer")
    assert "on_hand" not in as_customer.json() and "unit_cost" not in as_customer.json()


async def test_staff_read_on_hand_reserved_costs_and_reorder_figures(api, sku):
    await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 3, "reference": "cart-1"},
        role="staff",
    )
    body = (await api.get(f"/api/inventory/stock/{sku}", role="staff")).json()
    assert (body["on_hand"], body["reserved"], body["available"]) == (10, 3, 7)
    assert body["unit_cost"] == 250_000
    assert body["settings"] == {
        "low_stock_threshold": 5,
        "safety_stock": 0,
        "lead_time_days": 7,
        "supplier_id": None,
    }
    dakar = next(loc for loc in body["locations"] if loc["warehouse_id"] == "dakar")
    assert {k: dakar[k] for k in ("on_hand", "reserved", "available", "reorder_point")} == {
        "on_hand": 10,
        "reserved": 3,
        "available": 7,
        "reorder_point": 0,
    }


async def test_an_unknown_sku_is_404_naming_the_sku(api):
    _problem(await api.get("/api/inventory/stock/NOPE"), 404, "not_found", "path.sku")


async def test_availability_of_several_skus_leaves_unknown_ones_out(api, system, sku):
    await stocked(system, "MOUSE-1", on_hand=0)
    response = await api.get(
        "/api/inventory/availability", params=[("sku", sku), ("sku", "NOPE"), ("sku", "MOUSE-1")]
    )
    assert [(s["sku"], s["available"], s["in_stock"]) for s in response.json()] == [
        (SKU, 10, True),
        ("MOUSE-1", 0, False),
    ]
    _problem(await api.get("/api/inventory/availability"), 422, "validation_error", "query.sku")


async def test_staff_list_stock_levels_and_the_low_ones(api, system, sku):
    await stocked(system, "MOUSE-1", on_hand=2)
    page = (await api.get("/api/inventory/stock?warehouse_id=dakar", role="staff")).json()
    assert [(i["sku"], i["available"]) for i in page["items"]] == [(SKU, 10), ("MOUSE-1", 2)]
    low = (await api.get("/api/inventory/stock?low=true&warehouse_id=dakar", role="staff")).json()
    assert [i["sku"] for i in low["items"]] == ["MOUSE-1"]
    _problem(await api.get("/api/inventory/stock"), 401, "unauthenticated")
    _problem(await api.get("/api/inventory/stock", role="partner"), 403, "forbidden")
    _problem(
        await api.get("/api/inventory/stock?limit=0", role="staff"),
        422,
        "validation_error",
        "query.limit",
    )


async def test_a_receipt_adds_to_on_hand_with_a_ledger_entry_and_an_event(api, system, sku):
    response = await api.post(
        "/api/inventory/receipts",
        json={"sku": sku, "warehouse_id": "abidjan", "quantity": 4, "reference": "BL-2026-42"},
        role="staff",
    )
    assert response.status_code == 201
    movement = response.json()
    assert {k: movement[k] for k in ("reason", "on_hand_delta", "on_hand_after", "actor")} == {
        "reason": "receipt",
        "on_hand_delta": 4,
        "on_hand_after": 4,
        "actor": "staff",
    }
    assert (await level_of(system, sku, "abidjan")).on_hand == 4
    updated = (await published(system, "inventory.stock.updated", sku))[-1]
    assert updated["warehouseId"] == "abidjan"
    assert (updated["delta"], updated["quantityAvailable"], updated["reason"]) == (4, 4, "receipt")
    assert updated["reference"] == "BL-2026-42"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"warehouse_id": "dakar", "quantity": 0, "reference": "BL"}, "body.quantity"),
        ({"warehouse_id": "dakar", "quantity": -3, "reference": "BL"}, "body.quantity"),
        ({"warehouse_id": "dakar", "quantity": "beaucoup", "reference": "BL"}, "body.quantity"),
        ({"warehouse_id": "dakar", "quantity": 1, "reference": "  "}, "body.reference"),
        ({"warehouse_id": "Dakar!", "quantity": 1, "reference": "BL"}, "body.warehouse_id"),
        ({"warehouse_id": "dakar", "quantity": 1}, "body.reference"),
        ({"warehouse_id": "dakar", "quantity": 1, "reference": "BL", "price": 5}, "body.price"),
    ],
)
async def test_a_bad_receipt_is_422_naming_the_field(api, sku, body, field):
    response = await api.post("/api/inventory/receipts", json={"sku": sku, **body}, role="staff")
    _problem(response, 422, "validation_error", field)


async def test_a_receipt_of_an_unknown_sku_or_location_is_404(api, sku):
    body = {"sku": "NOPE", "warehouse_id": "dakar", "quantity": 1, "reference": "BL"}
    _problem(
        await api.post("/api/inventory/receipts", json=body, role="staff"),
        404,
        "not_found",
        "body.sku",
    )
    body = {"sku": sku, "warehouse_id": "kaolack", "quantity": 1, "reference": "BL"}
    _problem(
        await api.post("/api/inventory/receipts", json=body, role="staff"),
        404,
        "not_found",
        "body.warehouse_id",
    )


@pytest.mark.parametrize("path", ["receipts", "returns", "adjustments", "counts"])
async def test_only_staff_move_stock(api, sku, path):
    body = {"sku": sku, "warehouse_id": "dakar", "reference": "X"}
    _problem(await api.post(f"/api/inventory/{path}", json=body), 401, "unauthenticated")
    for role in ("customer", "technician", "partner"):
        response = await api.post(f"/api/inventory/{path}", json=body, role=role)
        _problem(response, 403, "forbidden")


async def test_a_return_puts_goods_back(api, system, sku):
    body = {"sku": sku, "warehouse_id": "dakar", "quantity": 1, "reference": "CMD-9"}
    response = await api.post("/api/inventory/returns", json=body, role="staff")
    assert response.status_code == 201
    assert response.json()["reason"] == "return"
    assert (await level_of(system, sku)).on_hand == 11


async def test_an_adjustment_states_its_cause_and_keeps_reserved_covered(api, system, sku):
    url = "/api/inventory/adjustments"
    body = {"sku": sku, "warehouse_id": "dakar", "delta": -2, "reference": "PV-1", "note": "casse"}
    response = await api.post(url, json=body, role="staff")
    assert response.status_code == 201
    assert (response.json()["on_hand_after"], response.json()["note"]) == (8, "casse")
    await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 6, "reference": "cart-1"},
        role="staff",
    )
    too_much = await api.post(url, json={**body, "delta": -3}, role="staff")
    _problem(too_much, 409, "conflict", "body.delta")
    _problem(
        await api.post(url, json={**body, "delta": 0}, role="staff"),
        422,
        "validation_error",
        "body.delta",
    )
    without_cause = {k: v for k, v in body.items() if k != "note"}
    _problem(
        await api.post(url, json=without_cause, role="staff"), 422, "validation_error", "body.note"
    )
    assert (await level_of(system, sku)).on_hand == 8


async def test_a_count_sets_on_hand_and_is_recorded_even_when_it_matches(api, system, sku):
    url = "/api/inventory/counts"
    body = {"sku": sku, "warehouse_id": "dakar", "counted": 7, "reference": "INV-2026-03"}
    response = await api.post(url, json=body, role="staff")
    assert response.status_code == 201
    assert (response.json()["reason"], response.json()["on_hand_delta"]) == ("count", -3)
    same = await api.post(url, json=body, role="staff")
    assert same.json()["on_hand_delta"] == 0
    assert len(await ledger_of(system, sku, "count")) == 2
    await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 5, "reference": "cart-1"},
        role="staff",
    )
    _problem(
        await api.post(url, json={**body, "counted": 4}, role="staff"),
        409,
        "conflict",
        "body.counted",
    )
    _problem(
        await api.post(url, json={**body, "counted": -1}, role="staff"),
        422,
        "validation_error",
        "body.counted",
    )


async def test_staff_read_the_ledger_newest_first(api, sku):
    await api.post(
        "/api/inventory/receipts",
        json={"sku": sku, "warehouse_id": "abidjan", "quantity": 2, "reference": "BL-2"},
        role="staff",
    )
    page = (await api.get(f"/api/inventory/stock/{sku}/movements", role="staff")).json()
    assert page["total"] == 2
    assert [(m["reference"], m["warehouse_id"]) for m in page["items"]] == [
        ("BL-2", "abidjan"),
        ("BL-0001", "dakar"),
    ]
    only = await api.get(
        f"/api/inventory/stock/{sku}/movements?warehouse_id=dakar&reason=receipt", role="staff"
    )
    assert only.json()["total"] == 1
    _problem(
        await api.get(f"/api/inventory/stock/{sku}/movements", role="customer"), 403, "forbidden"
    )
    _problem(
        await api.get(f"/api/inventory/stock/{sku}/movements?reason=gift", role="staff"),
        422,
        "validation_error",
        "query.reason",
    )


async def test_staff_set_replenishment_settings_and_null_restores_the_default(api, sku):
    url = f"/api/inventory/items/{sku}"
    body = {"low_stock_threshold": 12, "lead_time_days": 21, "supplier_id": "SUP-DELL-SN"}
    response = await api.patch(url, json=body, role="staff")
    assert response.status_code == 200
    assert response.json()["settings"] == {
        "low_stock_threshold": 12,
        "safety_stock": 0,
        "lead_time_days": 21,
        "supplier_id": "SUP-DELL-SN",
    }
    reset = await api.patch(url, json={"low_stock_threshold": None}, role="staff")
    assert reset.json()["settings"]["low_stock_threshold"] == 5
    assert reset.json()["settings"]["lead_time_days"] == 21
    _problem(
        await api.patch(url, json={"lead_time_days": -1}, role="staff"),
        422,
        "validation_error",
        "body.lead_time_days",
    )
    _problem(await api.patch(url, json=body, role="customer"), 403, "forbidden")
    _problem(
        await api.patch("/api/inventory/items/NOPE", json=body, role="staff"),
        404,
        "not_found",
        "path.sku",
    )


async def test_raising_the_threshold_above_availability_sends_low_at_once(api, system, sku):
    await api.patch(f"/api/inventory/items/{sku}", json={"low_stock_threshold": 10}, role="staff")
    low = await published(system, "inventory.stock.low", sku)
    assert [(e["warehouseId"], e["quantityAvailable"], e["threshold"]) for e in low] == [
        ("dakar", 10, 10)
    ]


async def test_a_partner_reserves_releases_and_sells_its_own_reservations(api, system, sku):
    created = await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 4, "reference": "cart-77", "expires_in_minutes": 15},
        role="partner",
        subject="jumia-sn",
    )
    assert created.status_code == 201
    reservation = created.json()
    assert (reservation["status"], reservation["kind"], reservation["created_by"]) == (
        "active",
        "manual",
        "jumia-sn",
    )
    assert reservation["lines"] == [{"sku": sku, "warehouse_id": "dakar", "quantity": 4}]
    assert (await level_of(system, sku)).reserved == 4
    url = f"/api/inventory/reservations/{reservation['id']}"

    other = await api.get(url, role="partner", subject="another-partner")
    _problem(other, 404, "not_found")
    _problem(
        await api.post(f"{url}/release", role="partner", subject="another-partner"),
        404,
        "not_found",
    )
    mine = await api.get("/api/inventory/reservations", role="partner", subject="jumia-sn")
    assert [r["reference"] for r in mine.json()["items"]] == ["cart-77"]
    theirs = await api.get("/api/inventory/reservations", role="partner", subject="another-partner")
    assert theirs.json()["total"] == 0

    sold = await api.post(f"{url}/sale", role="partner", subject="jumia-sn")
    assert sold.json()["status"] == "sold"
    level = await level_of(system, sku)
    assert (level.on_hand, level.reserved) == (6, 0)
    late_release = await api.post(f"{url}/release", role="partner", subject="jumia-sn")
    _problem(late_release, 409, "conflict", "status")


async def test_a_released_reservation_gives_the_stock_back(api, system, sku):
    created = await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 10, "reference": "cart-1"},
        role="staff",
    )
    assert created.status_code == 201
    released = await api.post(
        f"/api/inventory/reservations/{created.json()['id']}/release", role="staff"
    )
    assert released.json()["status"] == "released"
    assert (await level_of(system, sku)).reserved == 0
    reasons = [m.reason for m in await ledger_of(system, sku)]
    assert reasons == ["receipt", "reservation", "release"]


async def test_reserving_more_than_is_available_is_409_insufficient_stock_on_sku(api, sku):
    response = await api.post(
        "/api/inventory/reservations",
        json={"sku": sku, "quantity": 11, "reference": "cart-1"},
        role="partner",
    )
    body = _problem(response, 409, "insufficient_stock", "body.sku")
    assert "11 requested, 10 available" in body["detail"]


async def test_a_reference_is_reserved_once(api, sku):
    body = {"sku": sku, "quantity": 1, "reference": "cart-1"}
    assert (
        await api.post("/api/inventory/reservations", json=body, role="staff")
    ).status_code == 201
    again = await api.post("/api/inventory/reservations", json=body, role="staff")
    assert "cart-1" in _problem(again, 409, "conflict", "body.reference")["detail"]


async def test_reservations_refuse_bad_input_and_customers(api, sku):
    url = "/api/inventory/reservations"
    _problem(
        await api.post(url, json={"sku": sku, "quantity": 1, "reference": "c"}, role="customer"),
        403,
        "forbidden",
    )
    for body, field in [
        ({"sku": sku, "quantity": 0, "reference": "c"}, "body.quantity"),
        ({"sku": "", "quantity": 1, "reference": "c"}, "body.sku"),
        (
            {"sku": sku, "quantity": 1, "reference": "c", "expires_in_minutes": 0},
            "body.expires_in_minutes",
        ),
        ({"quantity": 1, "reference": "c"}, "body.sku"),
    ]:
        _problem(await api.post(url, json=body, role="staff"), 422, "validation_error", field)
    unknown_sku = {"sku": "NOPE", "quantity": 1, "reference": "c"}
    _problem(await api.post(url, json=unknown_sku, role="staff"), 404, "not_found", "body.sku")
    unknown_location = {"sku": sku, "quantity": 1, "reference": "c", "warehouse_id": "kaolack"}
    _problem(
        await api.post(url, json=unknown_location, role="staff"),
        404,
        "not_found",
        "body.warehouse_id",
    )
    _problem(await api.get(f"{url}/nope", role="staff"), 404, "not_found", "path.reservation_id")
    _problem(
        await api.post(f"{url}/nope/sale", role="staff"), 404, "not_found", "path.reservation_id"
    )
    _problem(
        await api.get(f"{url}?status=lost", role="staff"), 422, "validation_error", "query.status"
    )


async def test_staff_expire_and_reconcile_over_http(api, sku):
    expired = await api.post("/api/inventory/expire", role="staff")
    assert expired.json() == {"expired": 0}
    report = await api.post("/api/inventory/reconcile", role="staff")
    assert report.json() == {"levels_checked": 2, "drifts": [], "reference": None}
    _problem(await api.post("/api/inventory/reconcile?fix=true", role="customer"), 403, "forbidden")
    _problem(await api.post("/api/inventory/expire"), 401, "unauthenticated")
