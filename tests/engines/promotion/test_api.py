"""The promotion API: staff define promotions, anyone evaluates a cart; bad input is a 4xx
problem naming the field; campaigns are announced when they start and end."""

from datetime import UTC, datetime, timedelta

import pytest

from itvision.engines.promotion.services.campaigns import (
    CampaignAnnouncements,
    announce_due_campaigns,
)
from itvision.platform.events import utcnow
from tests.conftest import eventually
from tests.engines.promotion.support import add_product, published
from tests.support.cli import itvision

BASE = "/api/promotions"
PERCENT = {"name": "Bienvenue", "kind": "percentage", "discount_rate": 0.1, "code": "bienvenue"}
CART = {"lines": [{"sku": "SKU-p1", "product_id": "p1", "quantity": 2, "unit_price": 50_000}]}


async def create(api, body, role="staff"):
    response = await api.post(f"{BASE}", json=body, role=role)
    assert response.status_code == 201, response.text
    return response.json()


def problem(response, status, field, code=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.get("field") == field, body
    if code:
        assert body["code"] == code
    return body


# --- defining promotions ----------------------------------------------------------------


async def test_staff_create_a_promo_code_which_starts_at_once(api, system):
    created = await create(api, {**PERCENT, "usage_limit": 100, "usage_limit_per_customer": 1})
    assert created["code"] == "BIENVENUE"
    assert created["discount_rate"] == 0.1
    assert created["live"] is True
    assert created["usage"] == {"reserved": 0, "redeemed": 0, "discount_total": 0}
    assert created["created_by"] == "staff"
    (started,) = await published(system, "promotion.campaign.started")
    assert started["campaignId"] == created["id"]
    assert started["codes"] == ["BIENVENUE"]
    assert started["kind"] == "percentage" and started["discountRate"] == 0.1
    assert started["usageLimit"] == 100

    fetched = (await api.get(f"{BASE}/{created['id']}", role="admin")).json()
    assert fetched == created
    listed = (await api.get(f"{BASE}?code=Bienvenue", role="staff")).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Lot PC", "kind": "bundle", "bundle_price": 300_000,
         "bundle_items": [{"product_id": "laptop"}, {"product_id": "mouse", "quantity": 1}]},
        {"name": "2+1", "kind": "buy_x_get_y", "buy_quantity": 2, "get_quantity": 1,
         "category_ids": ["cables"]},
        {"name": "Livraison offerte", "kind": "free_shipping", "code": "LIVRAISON",
         "min_order_amount": 50_000},
        {"name": "-5 000 F", "kind": "fixed_amount", "discount_amount": 5_000, "code": "CINQ",
         "min_quantity": 2, "exclusive": True, "priority": 5},
    ],
)  # fmt: skip
async def test_every_kind_can_be_created(api, body):
    created = await create(api, body)
    assert created["kind"] == body["kind"]


async def test_only_staff_define_and_read_promotions(api):
    assert (await api.post(f"{BASE}", json=PERCENT)).status_code == 401
    for role in ("customer", "technician", "partner"):
        problem(await api.post(f"{BASE}", json=PERCENT, role=role), 403, None)
        assert (await api.get(f"{BASE}", role=role)).status_code == 403
    created = await create(api, PERCENT, role="admin")
    customer = await api.patch(f"{BASE}/{created['id']}", json={"name": "x"}, role="customer")
    assert customer.status_code == 403
    assert (await api.post(f"{BASE}/{created['id']}/deactivate")).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "discount_rate": 0.1}, "body.kind"),
        ({**PERCENT, "kind": "mystery"}, "body.kind"),
        ({**PERCENT, "name": "  "}, "body.name"),
        ({**PERCENT, "discount_rate": 1.5}, "body.discount_rate"),
        ({**PERCENT, "discount_rate": 0}, "body.discount_rate"),
        ({**PERCENT, "discount_rate": None}, "body.discount_rate"),
        ({**PERCENT, "discount_amount": 100}, "body.discount_amount"),
        ({**PERCENT, "code": "x!"}, "body.code"),
        ({**PERCENT, "starts_at": "2026-11-25T10:00:00"}, "body.starts_at"),
        ({**PERCENT, "starts_at": "2026-11-25T10:00:00Z", "ends_at": "2026-11-25T09:00:00Z"},
         "body.ends_at"),
        ({**PERCENT, "code": None, "usage_limit": 10}, "body.usage_limit"),
        ({**PERCENT, "usage_limit": 0}, "body.usage_limit"),
        ({**PERCENT, "min_order_amount": -1}, "body.min_order_amount"),
        ({**PERCENT, "priority": 5000}, "body.priority"),
        ({**PERCENT, "discount": 10}, "body.discount"),
        ({"name": "Lot", "kind": "bundle", "bundle_price": 1000,
          "bundle_items": [{"product_id": "a", "quantity": 0}]}, "body.bundle_items.0.quantity"),
        ({"name": "Lot", "kind": "bundle", "bundle_price": 1000,
          "bundle_items": [{"product_id": "a"}]}, "body.bundle_items"),
        ({"name": "Lot", "kind": "bundle", "bundle_price": 1000, "category_ids": ["c"],
          "bundle_items": [{"product_id": "a"}, {"product_id": "b"}]}, "body.category_ids"),
    ],
)  # fmt: skip
async def test_a_bad_definition_is_a_422_naming_the_field(api, body, field):
    problem(await api.post(f"{BASE}", json=body, role="staff"), 422, field)


async def test_a_code_is_unique_whatever_its_case(api):
    await create(api, PERCENT)
    body = problem(
        await api.post(f"{BASE}", json={**PERCENT, "code": "BienVenue"}, role="staff"),
        409,
        "body.code",
        "conflict",
    )
    assert "BIENVENUE" in body["detail"]


async def test_staff_edit_a_promotion_and_the_whole_is_checked_again(api):
    created = await create(api, PERCENT)
    url = f"{BASE}/{created['id']}"
    changed = await api.patch(url, json={"discount_rate": 0.2, "min_order_amount": 20_000},
                              role="staff")  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["discount_rate"] == 0.2 and changed.json()["min_order_amount"] == 20_000
    # Turning it into a fixed amount needs the rate cleared: nothing is silently ignored.
    problem(await api.patch(url, json={"kind": "fixed_amount", "discount_amount": 500},
                            role="staff"), 422, "body.discount_rate")  # fmt: skip
    fixed = await api.patch(
        url, json={"kind": "fixed_amount", "discount_amount": 500, "discount_rate": None},
        role="staff",
    )  # fmt: skip
    assert fixed.json()["kind"] == "fixed_amount"
    problem(await api.patch(url, json={"name": None}, role="staff"), 422, "body.name")
    problem(await api.patch(url, json={"priority": "high"}, role="staff"), 422, "body.priority")
    other = await create(api, {**PERCENT, "code": "AUTRE"})
    problem(await api.patch(f"{BASE}/{other['id']}", json={"code": "bienvenue"},
                            role="staff"), 409, "body.code")  # fmt: skip
    problem(await api.patch(f"{BASE}/nope", json={"name": "x"}, role="staff"),
            404, "path.promotion_id", "not_found")  # fmt: skip


async def test_deactivating_ends_the_campaign_and_activating_starts_it_again(api, system):
    created = await create(api, PERCENT)
    url = f"{BASE}/{created['id']}"
    off = (await api.post(f"{url}/deactivate", role="staff")).json()
    assert (off["active"], off["live"]) == (False, False)
    (ended,) = await published(system, "promotion.campaign.ended")
    assert ended["reason"] == "manual" and ended["redemptionCount"] == 0
    again = (await api.post(f"{url}/deactivate", role="staff")).json()
    assert again["active"] is False
    assert len(await published(system, "promotion.campaign.ended")) == 1
    on = (await api.post(f"{url}/activate", role="staff")).json()
    assert on["live"] is True
    assert len(await published(system, "promotion.campaign.started")) == 2


async def test_tick_announces_campaigns_whose_start_or_end_passed_once(api, system):
    now = utcnow()
    created = await create(
        api,
        {
            **PERCENT,
            "starts_at": (now + timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
        },
    )
    assert created["live"] is False
    assert await published(system, "promotion.campaign.started") == []
    assert await announce_due_campaigns(system, now=now) == CampaignAnnouncements([], [])
    report = await announce_due_campaigns(system, now=now + timedelta(hours=1))
    assert report.started == [created["id"]] and report.ended == []
    assert (await announce_due_campaigns(system, now=now + timedelta(hours=2))).started == []
    report = await announce_due_campaigns(system, now=now + timedelta(hours=3))
    assert report.ended == [created["id"]]
    (ended,) = await published(system, "promotion.campaign.ended")
    assert ended["reason"] == "scheduled"
    assert datetime.fromisoformat(ended["endedAt"]) == datetime.fromisoformat(
        created["ends_at"]
    ).astimezone(UTC)
    assert (await announce_due_campaigns(system, now=now + timedelta(hours=4))).ended == []
    assert len(await published(system, "promotion.campaign.started")) == 1


def test_the_tick_command_runs(tmp_path):
    result = itvision("promotion", "tick", env={"ITVISION_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "0 campaign(s) started, 0 ended" in result.stdout


# --- evaluating a cart ------------------------------------------------------------------


async def test_anyone_evaluates_a_cart_and_reads_why_codes_do_not_apply(api):
    await create(api, PERCENT)
    await create(api, {**PERCENT, "code": "GROS", "min_order_amount": 500_000})
    body = {**CART, "shipping_fee": 2_000, "codes": ["Bienvenue", "GROS", "INCONNU"]}
    response = await api.post(f"{BASE}/evaluate", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["customer_id"] is None
    assert (result["subtotal"], result["shipping_fee"]) == (100_000, 2_000)
    assert (result["discount_total"], result["total"]) == (10_000, 92_000)
    (applied,) = result["applied"]
    assert applied["code"] == "BIENVENUE" and applied["amount"] == 10_000
    assert applied["lines"] == [{"sku": "SKU-p1", "product_id": "p1", "amount": 10_000}]
    rejected = {r["code"]: r for r in result["rejected_codes"]}
    assert rejected["GROS"]["reason"] == "min_amount_not_reached"
    assert rejected["GROS"]["message_fr"].startswith("montant minimum non atteint")
    assert rejected["GROS"]["message_en"].startswith("minimum order amount not reached")
    assert rejected["INCONNU"]["message_fr"] == "code inconnu"


async def test_a_customer_evaluates_as_themself_and_staff_for_anyone(api):
    mine = await api.post(f"{BASE}/evaluate", json=CART, role="customer", subject="awa")
    assert mine.json()["customer_id"] == "awa"
    same = await api.post(
        f"{BASE}/evaluate", json={**CART, "customer_id": "awa"}, role="customer", subject="awa"
    )
    assert same.status_code == 200
    problem(
        await api.post(
            f"{BASE}/evaluate", json={**CART, "customer_id": "moussa"}, role="customer",
            subject="awa",
        ),
        403,
        "body.customer_id",
    )  # fmt: skip
    problem(
        await api.post(f"{BASE}/evaluate", json={**CART, "customer_id": "awa"}),
        401,
        "body.customer_id",
    )
    staff = await api.post(f"{BASE}/evaluate", json={**CART, "customer_id": "awa"}, role="staff")
    assert staff.json()["customer_id"] == "awa"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "body.lines"),
        ({}, "body.lines"),
        ({"lines": [{**CART["lines"][0], "quantity": 0}]}, "body.lines.0.quantity"),
        ({"lines": [{**CART["lines"][0], "unit_price": -5}]}, "body.lines.0.unit_price"),
        ({"lines": [{**CART["lines"][0], "unit_price": 10.5}]}, "body.lines.0.unit_price"),
        ({"lines": [{**CART["lines"][0], "sku": ""}]}, "body.lines.0.sku"),
        ({**CART, "shipping_fee": -1}, "body.shipping_fee"),
        ({**CART, "currency": "EUR"}, "body.currency"),
        ({**CART, "codes": "BIENVENUE"}, "body.codes"),
        ({**CART, "codes": ["X"] * 11}, "body.codes"),
        ({**CART, "coupon": "X"}, "body.coupon"),
    ],
)
async def test_a_bad_cart_is_a_422_naming_the_field(api, body, field):
    problem(await api.post(f"{BASE}/evaluate", json=body), 422, field, "validation_error")


async def test_a_sale_on_a_parent_category_covers_its_subtree_through_catalog_events(api, system):
    await add_product(system, "p1", ["informatique", "ordinateurs", "portables"], brand="HP")
    await add_product(system, "p2", ["telephonie", "smartphones"], brand="Samsung")
    await create(api, {"name": "Soldes informatique", "kind": "percentage",
                       "discount_rate": 0.2, "category_ids": ["informatique"]})  # fmt: skip
    await create(api, {"name": "Samsung -5 %", "kind": "percentage",
                       "discount_rate": 0.05, "brands": ["samsung"]})  # fmt: skip
    cart = {
        "lines": [
            {"sku": "SKU-p1", "product_id": "p1", "quantity": 1, "unit_price": 400_000},
            {"sku": "SKU-p2", "product_id": "p2", "quantity": 1, "unit_price": 200_000},
        ]
    }

    async def scoped() -> bool:
        result = (await api.post(f"{BASE}/evaluate", json=cart)).json()
        return result["discount_total"] == 80_000 + 10_000

    await eventually(scoped, what="the catalog projection to scope the sales")


async def test_the_storefront_lists_running_sales_without_codes(api):
    sale = await create(api, {"name": "Black Friday", "kind": "percentage",
                              "discount_rate": 0.3, "category_ids": ["pc"]})  # fmt: skip
    await create(api, PERCENT)
    stopped = await create(api, {"name": "Finie", "kind": "percentage", "discount_rate": 0.1,
                                 "active": False})  # fmt: skip
    sales = (await api.get(f"{BASE}/sales")).json()
    assert [s["id"] for s in sales] == [sale["id"]]
    assert "code" not in sales[0] and "usage" not in sales[0]
    assert stopped["live"] is False
