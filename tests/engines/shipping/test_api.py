"""The shipping API as its users reach it: anyone reads zones and stores and asks for a fee;
staff shape zones, rates and stores and report statuses; a customer follows only their own
shipments. Bad input answers a problem naming the field."""

from __future__ import annotations

import pytest

from tests.engines.shipping.support import published, report, ship

ZONE = {
    "code": "sn-saly-test",
    "name": "Somone",
    "country": "SN",
    "estimated_days": 2,
    "places": [{"city": "Somone"}, {"city": "Ngaparou"}],
    "bands": [{"up_to_grams": 2000, "fee": 2500}, {"up_to_grams": None, "fee": 4000}],
}


async def test_anyone_reads_zones_and_stores(api):
    zones = (await api.get("/api/shipping/zones?country=CI")).json()
    assert {z["country"] for z in zones} == {"CI"}
    cocody = next(z for z in zones if z["code"] == "ci-abidjan-cocody")
    assert {"city": "Abidjan", "area": "Angré"} in cocody["places"]
    assert cocody["bands"][0] == {"up_to_grams": 1000, "fee": 1000, "per_extra_kg": 0}
    stores = (await api.get("/api/shipping/stores")).json()
    assert [s["code"] for s in stores] == ["abidjan-cocody", "dakar-plateau"]


async def test_staff_create_a_zone_that_quotes_at_once(api):
    answer = await api.post("/api/shipping/zones", role="staff", json=ZONE)
    assert answer.status_code == 201, answer.text
    assert answer.json()["free_from"] is None
    quote = await api.post(
        "/api/shipping/quotes",
        json={"country": "SN", "city": "NGAPAROU", "weight_grams": 2500, "subtotal": 20_000},
    )
    assert quote.json() == {
        "zone": "sn-saly-test",
        "zone_name": "Somone",
        "fee": 4000,
        "free_from": 100_000,  # the default threshold
        "estimated_days": 2,
        "store_code": None,
        "currency": "XOF",
    }


async def test_staff_change_a_zone_its_places_and_its_rate(api):
    await api.post("/api/shipping/zones", role="staff", json=ZONE)
    url = "/api/shipping/zones/sn-saly-test"
    changed = await api.patch(url, role="staff", json={"free_from": 30_000, "name": "Petite Côte"})
    assert (changed.json()["free_from"], changed.json()["name"]) == (30_000, "Petite Côte")
    rate = await api.put(
        f"{url}/rates", role="staff", json={"bands": [{"up_to_grams": None, "fee": 3000}]}
    )
    assert rate.json()["bands"] == [{"up_to_grams": None, "fee": 3000, "per_extra_kg": 0}]
    one_place = {"places": [{"city": "Somone"}, {"city": "SOMONE"}]}  # one place, twice named
    places = await api.put(f"{url}/places", role="staff", json=one_place)
    assert places.json()["places"] == [{"city": "Somone", "area": None}]
    gone = await api.post(
        "/api/shipping/quotes",
        json={"country": "SN", "city": "Ngaparou", "weight_grams": 1, "subtotal": 0},
    )
    assert gone.json()["zone"] == "sn-autres"  # Ngaparou left the zone: the rest of Senegal
    await api.patch(url, role="staff", json={"active": False})
    assert (await api.get(url)).status_code == 404  # hidden from customers…
    assert (await api.get(url, role="staff")).json()["active"] is False  # …not from staff


async def test_a_place_belongs_to_one_zone(api):
    taken = {**ZONE, "places": [{"city": "Dakar", "area": "medina"}]}
    answer = await api.post("/api/shipping/zones", role="staff", json=taken)
    assert answer.status_code == 409
    assert answer.json()["field"] == "body.places.0"
    assert "sn-dakar-medina" in answer.json()["detail"]
    again = await api.post("/api/shipping/zones", role="staff", json={**ZONE, "code": "sn-thies"})
    assert (again.status_code, again.json()["field"]) == (409, "body.code")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "Not A Code"}, "body.code"),
        ({"country": "sn"}, "body.country"),
        ({"estimated_days": -1}, "body.estimated_days"),
        ({"places": []}, "body.places"),
        ({"places": [{"area": "Plateau"}]}, "body.places.0"),
        ({"places": [{"city": "   "}]}, "body.places.0.city"),
        ({"places": [{"city": "--"}]}, "body.places.0.city"),
        ({"places": [{"city": None}]}, "body.places.0.city"),
        ({"bands": [{"up_to_grams": 0, "fee": 1}]}, "body.bands.0.up_to_grams"),
        ({"bands": [{"up_to_grams": None, "fee": -1}]}, "body.bands.0.fee"),
        ({"bands": [{"up_to_grams": None, "fee": 1}, {"up_to_grams": None, "fee": 2}]}, "body"),
        ({"free_from": "beaucoup"}, "body.free_from"),
        ({"colour": "red"}, "body.colour"),
    ],
)
async def test_a_bad_zone_is_refused_naming_the_field(api, change, field):
    answer = await api.post("/api/shipping/zones", role="staff", json={**ZONE, **change})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
    assert any(f and f.startswith(field) for f in fields), problem


@pytest.mark.parametrize("role", [None, "customer", "partner"])
async def test_only_staff_shape_the_network(api, role):
    expected = 401 if role is None else 403
    calls = [
        api.post("/api/shipping/zones", role=role, json=ZONE),
        api.patch("/api/shipping/zones/sn-thies", role=role, json={"active": False}),
        api.put("/api/shipping/zones/sn-thies/rates", role=role, json={"bands": []}),
        api.post("/api/shipping/stores", role=role, json={}),
    ]
    for call in calls:
        assert (await call).status_code == expected


async def test_a_quote_for_an_address_no_zone_serves_is_a_404_on_the_city(api):
    answer = await api.post(
        "/api/shipping/quotes",
        json={"country": "ML", "city": "Bamako", "weight_grams": 500, "subtotal": 0},
    )
    assert (answer.status_code, answer.json()["field"]) == (404, "body.city")
    bad = await api.post(
        "/api/shipping/quotes",
        json={"country": "SN", "city": "Dakar", "weight_grams": -5, "subtotal": 0},
    )
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "body.weight_grams")


async def test_a_pickup_quote_names_the_store(api):
    answer = await api.post(
        "/api/shipping/quotes",
        json={
            "country": "SN",
            "city": "Dakar",
            "delivery_method": "pickup",
            "weight_grams": 9000,
            "subtotal": 5_000,
        },
    )
    assert answer.json()["zone"] == "store:dakar-plateau"
    assert (answer.json()["fee"], answer.json()["store_code"]) == (0, "dakar-plateau")


async def test_staff_open_and_close_stores(api):
    store = {
        "code": "thies-centre",
        "name": "IT Vision Thiès",
        "country": "SN",
        "city": "Thiès",
        "address": "Avenue Léopold Sédar Senghor",
    }
    assert (await api.post("/api/shipping/stores", role="staff", json=store)).status_code == 201
    pickup = {"country": "SN", "city": "thies", "delivery_method": "pickup"}
    pickup |= {"weight_grams": 1, "subtotal": 0}
    quote = await api.post("/api/shipping/quotes", json=pickup)
    assert quote.json()["store_code"] == "thies-centre"
    closed = await api.patch(
        "/api/shipping/stores/thies-centre", role="staff", json={"active": False}
    )
    assert closed.json()["active"] is False
    assert "thies-centre" not in [s["code"] for s in (await api.get("/api/shipping/stores")).json()]
    again = await api.post("/api/shipping/stores", role="staff", json=store)
    assert (again.status_code, again.json()["field"]) == (409, "body.code")
    missing = await api.patch("/api/shipping/stores/nope", role="staff", json={"active": True})
    assert missing.status_code == 404


# Shipments ------------------------------------------------------------------------------------


async def test_a_customer_follows_only_their_own_shipments(api):
    shipment = await ship(api, "o-own", customer_id="awa")
    url = f"/api/shipping/shipments/{shipment['id']}"
    mine = await api.get(url, role="customer", subject="awa")
    assert mine.status_code == 200
    assert [h["status"] for h in mine.json()["history"]] == ["created"]
    assert (await api.get(url, role="customer", subject="moussa")).status_code == 404
    listed = await api.get("/api/shipping/shipments?order_id=o-own", role="customer", subject="awa")
    assert [s["id"] for s in listed.json()["items"]] == [shipment["id"]]
    others = await api.get(
        "/api/shipping/shipments?order_id=o-own", role="customer", subject="moussa"
    )
    assert others.json()["total"] == 0
    assert (await api.get(url)).status_code == 401
    assert (await api.get(url, role="partner")).status_code == 403
    assert (await api.get("/api/shipping/shipments/nope", role="staff")).status_code == 404


async def test_staff_move_a_shipment_to_delivered(api):
    shipment = await ship(api, "o-move")
    sid = shipment["id"]
    picked = await report(api, sid, "picked_up", courier_phone="+221771112233")
    assert picked["allowed_next"] == ["delivered", "in_transit", "out_for_delivery", "returned"]
    await report(api, sid, "out_for_delivery", location="Rond-point Sahm")
    await report(api, sid, "failed_attempt", note="Client injoignable")
    done = await report(api, sid, "delivered", received_by="Awa Diop", proof="otp")
    assert [h["status"] for h in done["history"]] == [
        "created",
        "picked_up",
        "out_for_delivery",
        "failed_attempt",
        "delivered",
    ]
    assert done["history"][1]["changed_by"] == "staff"
    updated = await published(api.platform, "shipping.shipment.updated", "o-move")
    assert [u["status"] for u in updated] == [h["status"] for h in done["history"]]
    [dispatched] = await published(api.platform, "shipping.shipment.dispatched", "o-move")
    assert (dispatched["carrier"], dispatched["courierPhone"]) == ("coursier", "+221771112233")
    [delivered] = await published(api.platform, "shipping.shipment.delivered", "o-move")
    assert (delivered["receivedBy"], delivered["proof"]) == ("Awa Diop", "otp")
    assert delivered.get("cashCollected") is None


async def test_an_invalid_transition_answers_the_current_status_and_the_allowed_ones(api):
    shipment = await ship(api, "o-409")
    answer = await api.post(
        f"/api/shipping/shipments/{shipment['id']}/updates",
        role="staff",
        json={"status": "delivered"},
    )
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (problem["code"], problem["field"]) == ("invalid_transition", "body.status")
    assert (problem["current_status"], problem["allowed_statuses"]) == (
        "created",
        ["cancelled", "picked_up"],
    )
    assert len(await published(api.platform, "shipping.shipment.updated", "o-409")) == 1


async def test_cash_on_delivery_is_delivered_with_the_cash_collected(api):
    shipment = await ship(api, "o-cod", payment_method="cash_on_delivery", total=389_400)
    sid = shipment["id"]
    await report(api, sid, "picked_up")
    url = f"/api/shipping/shipments/{sid}/updates"
    missing = await api.post(url, role="staff", json={"status": "delivered"})
    assert (missing.status_code, missing.json()["field"]) == (422, "body.cash_collected")
    done = await report(api, sid, "delivered", cash_collected=389_400)
    assert (done["cash_collected"], done["cash_discrepancy"]) == (389_400, False)
    [delivered] = await published(api.platform, "shipping.shipment.delivered", "o-cod")
    assert (delivered["cashCollected"], delivered["cashDue"]) == (389_400, 389_400)


async def test_cash_other_than_due_is_recorded_with_a_warning(api):
    shipment = await ship(api, "o-short", payment_method="cash_on_delivery", total=50_000)
    await report(api, shipment["id"], "picked_up")
    done = await report(api, shipment["id"], "delivered", cash_collected=45_000)
    assert (done["cash_collected"], done["cash_discrepancy"]) == (45_000, True)
    assert done["history"][-1]["note"] == "45000 F CFA collected, 50000 F CFA due"
    [delivered] = await published(api.platform, "shipping.shipment.delivered", "o-short")
    assert (delivered["cashCollected"], delivered["cashDue"]) == (45_000, 50_000)


async def test_a_paid_order_is_delivered_without_cash(api):
    shipment = await ship(api, "o-paid")
    await report(api, shipment["id"], "picked_up")
    answer = await api.post(
        f"/api/shipping/shipments/{shipment['id']}/updates",
        role="staff",
        json={"status": "delivered", "cash_collected": 10_000},
    )
    assert (answer.status_code, answer.json()["field"]) == (422, "body.cash_collected")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "cancelled"}, "body.status"),
        ({"status": "created"}, "body.status"),
        ({"status": "picked_up", "occurred_at": "hier"}, "body.occurred_at"),
        ({"status": "picked_up", "occurred_at": "2026-11-30T10:00:00"}, "body.occurred_at"),
        ({"status": "delivered", "cash_collected": -1}, "body.cash_collected"),
        ({"status": "picked_up", "note": ""}, "body.note"),
        ({"status": "picked_up", "proof": "selfie"}, "body.proof"),
    ],
)
async def test_a_bad_status_report_is_refused_naming_the_field(api, body, field):
    shipment = await ship(api, "o-bad")
    answer = await api.post(
        f"/api/shipping/shipments/{shipment['id']}/updates", role="staff", json=body
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].startswith(field)


async def test_only_staff_report_a_status(api):
    shipment = await ship(api, "o-roles", customer_id="awa")
    url = f"/api/shipping/shipments/{shipment['id']}/updates"
    body = {"status": "picked_up"}
    assert (await api.post(url, json=body)).status_code == 401
    assert (await api.post(url, role="customer", subject="awa", json=body)).status_code == 403
    missing = await api.post("/api/shipping/shipments/nope/updates", role="staff", json=body)
    assert missing.status_code == 404


async def test_staff_hand_a_shipment_to_another_carrier_before_it_leaves(api):
    shipment = await ship(api, "o-carrier")
    url = f"/api/shipping/shipments/{shipment['id']}"
    moved = await api.patch(url, role="staff", json={"carrier": "yango", "tracking_number": "Y-1"})
    assert (moved.json()["carrier"], moved.json()["tracking_number"]) == ("yango", "Y-1")
    other = await ship(api, "o-carrier-2")
    clash = await api.patch(
        f"/api/shipping/shipments/{other['id']}",
        role="staff",
        json={"carrier": "yango", "tracking_number": "Y-1"},
    )
    assert (clash.status_code, clash.json()["field"]) == (409, "body.tracking_number")
    await report(api, shipment["id"], "picked_up")
    late = await api.patch(url, role="staff", json={"carrier": "coursier"})
    assert (late.status_code, late.json()["field"]) == (409, "body.carrier")
