"""Usages through events, whatever order they arrive in (order and payment topics are read in
no guaranteed order between them), and who may read them."""

from datetime import timedelta
from decimal import Decimal

from itvision.engines.catalog.events import ProductUpdated
from itvision.engines.promotion.commands import CreatePromotion
from itvision.engines.promotion.models import ProductScope
from itvision.engines.promotion.queries.promotions import get_promotion
from itvision.engines.promotion.rules.offers import Kind
from itvision.engines.promotion.services.campaigns import create_promotion
from itvision.platform.events import utcnow
from tests.engines.promotion.support import (
    add_product,
    cancel_order,
    emit,
    pay_order,
    place_order,
    published,
    wait_applied,
)

BASE = "/api/promotions"


async def promotion(system, **fields):
    definition = {"name": "Dix", "kind": Kind.PERCENTAGE, "discount_rate": Decimal("0.1")}
    command = CreatePromotion(**{**definition, **fields}, created_by="staff")
    record = await create_promotion(system, command)
    return record.offer


async def usage_of(system, promotion_id):
    return (await get_promotion(system, promotion_id)).usage


async def test_a_payment_read_before_its_order_counts_the_code_when_the_order_arrives(system):
    promo = await promotion(system, code="AVANCE")
    await wait_applied(system, await pay_order(system, "ord-1"))
    assert await published(system, "promotion.code.redeemed") == []
    await wait_applied(system, await place_order(system, "ord-1", codes=["AVANCE"]))
    (redeemed,) = await published(system, "promotion.code.redeemed")
    assert redeemed["orderId"] == "ord-1"
    assert (await usage_of(system, promo.id)).redeemed == 1


async def test_an_order_cancelled_before_it_is_read_reserves_nothing(system):
    promo = await promotion(system, code="TARD")
    await wait_applied(system, await cancel_order(system, "ord-1"))
    await wait_applied(system, await place_order(system, "ord-1", codes=["TARD"]))
    await wait_applied(system, await pay_order(system, "ord-1"))
    usage = await usage_of(system, promo.id)
    assert (usage.reserved, usage.redeemed) == (0, 0)
    assert await published(system, "promotion.code.redeemed") == []


async def test_an_unpaid_order_cancelled_gives_its_reservation_back(system):
    promo = await promotion(system, code="RETOUR", usage_limit=1)
    await wait_applied(system, await place_order(system, "ord-1", codes=["RETOUR"]))
    assert (await usage_of(system, promo.id)).reserved == 1
    await wait_applied(system, await cancel_order(system, "ord-1"))
    (released,) = await published(system, "promotion.code.released")
    assert released["wasRedeemed"] is False
    assert (await usage_of(system, promo.id)).reserved == 0
    # Paid after its cancellation (a late webhook): the code stays released.
    await wait_applied(system, await pay_order(system, "ord-1"))
    assert (await usage_of(system, promo.id)).redeemed == 0


async def test_the_same_order_placed_twice_reserves_once(system):
    promo = await promotion(system, code="DOUBLE")
    await wait_applied(system, await place_order(system, "ord-1", codes=["DOUBLE"]))
    await wait_applied(system, await place_order(system, "ord-1", codes=["DOUBLE"]))
    assert (await usage_of(system, promo.id)).reserved == 1


async def test_the_single_code_field_of_older_orders_is_read_too(system):
    promo = await promotion(system, code="ANCIEN")
    placed = await place_order(system, "ord-1", codes=["ancien"], legacy_code_field=True)
    await wait_applied(system, placed)
    assert (await usage_of(system, promo.id)).reserved == 1


async def test_a_code_once_per_customer_is_rejected_for_the_second_order_of_that_customer(
    system,
):
    promo = await promotion(system, code="UNEFOIS", usage_limit_per_customer=1)
    await wait_applied(system, await place_order(system, "ord-1", codes=["UNEFOIS"]))
    await wait_applied(system, await place_order(system, "ord-2", codes=["UNEFOIS"]))
    await wait_applied(
        system, await place_order(system, "ord-3", codes=["UNEFOIS"], customer_id="cust-2")
    )
    (rejected,) = await published(system, "promotion.code.rejected")
    assert (rejected["orderId"], rejected["reason"]) == ("ord-2", "customer_limit_reached")
    assert rejected["campaignId"] == promo.id
    assert "déjà utilisé" in rejected["messageFr"]
    assert (await usage_of(system, promo.id)).reserved == 2


async def test_an_unknown_code_on_an_order_is_rejected_and_nothing_else_happens(system):
    await wait_applied(system, await place_order(system, "ord-1", codes=["FANTOME"]))
    (rejected,) = await published(system, "promotion.code.rejected")
    assert (rejected["code"], rejected["campaignId"], rejected["reason"]) == (
        "FANTOME",
        None,
        "unknown_code",
    )


async def test_a_code_is_judged_at_the_time_the_order_was_placed(system):
    now = utcnow()
    promo = await promotion(
        system, code="MINUIT", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    placed = await place_order(
        system, "ord-1", codes=["MINUIT"], placed_at=now + timedelta(hours=1)
    )
    await wait_applied(system, placed)
    assert (await usage_of(system, promo.id)).reserved == 1
    late = await place_order(system, "ord-2", codes=["MINUIT"], placed_at=now + timedelta(days=2))
    await wait_applied(system, late)
    (rejected,) = await published(system, "promotion.code.rejected")
    assert rejected["reason"] == "expired"


async def test_a_code_reserves_the_amount_it_gives_after_the_sales_before_it(system):
    await promotion(system, name="Soldes", discount_rate=Decimal("0.5"), priority=10)
    code = await promotion(system, code="DIX")
    await wait_applied(system, await place_order(system, "ord-1", codes=["DIX"]))
    await wait_applied(system, await pay_order(system, "ord-1"))
    (redeemed,) = await published(system, "promotion.code.redeemed")
    assert (redeemed["campaignId"], redeemed["discountAmount"]) == (code.id, 5_000)


async def test_an_older_catalog_event_never_overwrites_a_newer_one(system):
    await wait_applied(system, await add_product(system, "p1", ["pc", "laptops"], brand="HP"))
    stale = ProductUpdated(
        product_id="p1",
        sku="SKU-p1",
        name="p1",
        category_id="phones",
        brand="Nokia",
        base_cost=1_000,
        status="active",
        changed_fields=["category_id"],
        updated_at=utcnow() - timedelta(days=1),
    )
    await wait_applied(system, await emit(system, "catalog-engine", stale))
    async with system.db.reads() as session:
        row = await session.get(ProductScope, "p1")
    assert (row.category_path, row.brand) == (["pc", "laptops"], "HP")


async def test_customers_read_only_their_own_usages(api, system):
    promo = await promotion(system, code="MIEN")
    await wait_applied(system, await place_order(system, "ord-1", codes=["MIEN"]))
    await wait_applied(
        system, await place_order(system, "ord-2", codes=["MIEN"], customer_id="cust-2")
    )
    mine = (await api.get(f"{BASE}/usages", role="customer", subject="cust-1")).json()
    assert [u["order_id"] for u in mine["items"]] == ["ord-1"]
    assert mine["items"][0]["status"] == "reserved"
    same = await api.get(f"{BASE}/usages?customer_id=cust-1", role="customer", subject="cust-1")
    assert same.status_code == 200
    other = await api.get(f"{BASE}/usages?customer_id=cust-2", role="customer", subject="cust-1")
    assert other.status_code == 403 and other.json()["field"] == "query.customer_id"
    assert (await api.get(f"{BASE}/usages")).status_code == 401
    assert (await api.get(f"{BASE}/usages", role="technician")).status_code == 403
    everyone = (await api.get(f"{BASE}/usages", role="staff")).json()
    assert everyone["total"] == 2
    one = (await api.get(f"{BASE}/usages?customer_id=cust-2", role="staff")).json()
    assert [u["order_id"] for u in one["items"]] == ["ord-2"]
    by_promotion = await api.get(f"{BASE}/{promo.id}/usages?limit=1", role="staff")
    assert by_promotion.json()["total"] == 2 and len(by_promotion.json()["items"]) == 1
    listed = (await api.get(f"{BASE}/{promo.id}", role="staff")).json()
    assert listed["usage"]["reserved"] == 2
    assert (await api.get(f"{BASE}/{promo.id}/usages", role="customer")).status_code == 403
    assert (await api.get(f"{BASE}/nope/usages", role="staff")).status_code == 404
