"""Products customers watch: the API (own watches only, bad input named, roles) and the news
that a watched SKU is back in stock, from real `inventory.stock.updated` events: each watcher
hears once, in their language, and the watch ends."""

from __future__ import annotations

import pytest

from itvision.engines.inventory.events import SOURCE as INVENTORY
from itvision.engines.notification.commands import TellWatchers
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.services.watches import tell_watchers
from tests.conftest import COMBINATIONS, eventually
from tests.engines.notification.support import (
    catalog_product,
    emit,
    messages_of,
    set_contact,
    stock_updated,
    wait_message,
)
from tests.engines.promotion.support import wait_applied

WATCHES = "/api/notifications/watches"


async def watch(api, customer_id: str, sku: str, status: int = 201) -> dict:
    response = await api.post(WATCHES, json={"sku": sku}, role="customer", subject=customer_id)
    assert response.status_code == status, response.text
    return response.json()


async def watches_of(api, customer_id: str) -> list[dict]:
    response = await api.get(WATCHES, role="customer", subject=customer_id)
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "body.sku"), ({"sku": "   "}, "body.sku"), ({"sku": "X" * 65}, "body.sku")],
)
async def test_a_watch_needs_a_sku(api, body, field):
    response = await api.post(WATCHES, json=body, role="customer", subject="cust-1")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_customers_watch_products_of_the_catalog_and_see_only_their_own(api):
    await catalog_product(
        api, "UPS-1500", variants=[{"sku": "UPS-1500-NOIR", "options": {"couleur": "Noir"}}]
    )
    await catalog_product(api, "UPS-OLD", status="archived")
    mine = await watch(api, "cust-1", " ups-1500 ")
    assert (mine["sku"], mine["product_name"], mine["customer_id"]) == (
        "UPS-1500",
        "Onduleur APC 1500 VA",
        "cust-1",
    )
    again = await watch(api, "cust-1", "UPS-1500", status=200)  # asked twice: the same watch
    assert again["id"] == mine["id"]
    variant = await watch(api, "cust-1", "ups-1500-noir")
    assert variant["product_name"] == "Onduleur APC 1500 VA (Noir)"
    theirs = await watch(api, "cust-2", "UPS-1500")

    unknown = await api.post(WATCHES, json={"sku": "NOPE"}, role="customer", subject="cust-1")
    assert unknown.status_code == 404 and unknown.json()["field"] == "body.sku"
    archived = await api.post(WATCHES, json={"sku": "UPS-OLD"}, role="customer", subject="cust-1")
    assert archived.status_code == 409 and archived.json()["field"] == "body.sku"

    assert [w["sku"] for w in await watches_of(api, "cust-1")] == ["UPS-1500-NOIR", "UPS-1500"]
    staff = await api.get(WATCHES, params={"customer_id": "cust-2"}, role="staff")
    assert [w["id"] for w in staff.json()["items"]] == [theirs["id"]]
    assert (await api.get(WATCHES, role="staff")).json()["total"] == 3

    other = await api.delete(f"{WATCHES}/{theirs['id']}", role="customer", subject="cust-1")
    assert other.status_code == 404 and other.json()["field"] == "path.watch_id"
    gone = await api.delete(f"{WATCHES}/{mine['id']}", role="customer", subject="cust-1")
    assert gone.status_code == 204
    assert (
        await api.delete(f"{WATCHES}/{mine['id']}", role="customer", subject="cust-1")
    ).status_code == 404
    assert [w["sku"] for w in await watches_of(api, "cust-1")] == ["UPS-1500-NOIR"]
    assert (
        await api.delete(f"{WATCHES}/{theirs['id']}", role="staff")
    ).status_code == 204  # staff may end anyone's


async def test_roles(api):
    assert (await api.post(WATCHES, json={"sku": "UPS-1500"})).status_code == 401
    for role in ("staff", "technician", "partner"):
        refused = await api.post(WATCHES, json={"sku": "UPS-1500"}, role=role)
        assert refused.status_code == 403, role
    assert (await api.get(WATCHES, role="technician")).status_code == 403
    assert (await api.delete(f"{WATCHES}/w-1", role="partner")).status_code == 403
    assert (await api.get(WATCHES)).status_code == 401


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_watchers_hear_once_when_the_sku_is_back_and_their_watch_ends(api, system, messaging):
    await catalog_product(api, "UPS-1500", name_en="APC 1500 VA UPS")
    await set_contact(api, "cust-awa")
    await set_contact(api, "cust-kofi", phone="+2250701020304", country="CI", language="en")
    for customer in ("cust-awa", "cust-kofi"):
        await watch(api, customer, "UPS-1500")

    # Stock that moves without coming back says nothing: more of what was there, less of it.
    for moved in (stock_updated("UPS-1500", 7, 2), stock_updated("UPS-1500", 0, -5)):
        await wait_applied(system, await emit(system, INVENTORY, moved), SOURCE)
    assert await messages_of(api, "cust-awa") == []

    back = await emit(system, INVENTORY, stock_updated("UPS-1500", 3, 3))
    awa = await wait_message(api, "cust-awa", lambda m: m["status"] == "sent", "Awa told")
    assert awa["kind"] == "stock_back" and awa["channel"] == "whatsapp"
    assert awa["body"] == "Onduleur APC 1500 VA est de nouveau disponible."
    kofi = await wait_message(api, "cust-kofi", lambda m: m["status"] == "sent", "Kofi told")
    assert kofi["body"] == "APC 1500 VA UPS is available again."
    assert await watches_of(api, "cust-awa") == [] and await watches_of(api, "cust-kofi") == []

    # Gone and back again: the watches ended, nobody hears twice.
    for moved in (stock_updated("UPS-1500", 0, -3), stock_updated("UPS-1500", 4, 4)):
        await wait_applied(system, await emit(system, INVENTORY, moved), SOURCE)
    for customer in ("cust-awa", "cust-kofi"):
        assert len(await messages_of(api, customer)) == 1
    assert {m.to for m in messaging.whatsapp.messages} == {"221771234567", "2250701020304"}
    assert len(messaging.whatsapp.messages) == 2
    # The news delivered again (a redelivery): no watch is left to tell.
    assert await tell_watchers(system, TellWatchers(back, "UPS-1500")) == 0


async def test_a_released_reservation_brings_the_stock_back_too(api, system, messaging):
    await catalog_product(api, "UPS-1500")
    await set_contact(api, "cust-1")
    await watch(api, "cust-1", "UPS-1500")
    released = stock_updated("UPS-1500", 1, 0, reserved_delta=-1)  # a cancelled order's unit
    await emit(system, INVENTORY, released)

    async def told() -> bool:
        return [m["kind"] for m in await messages_of(api, "cust-1")] == ["stock_back"]

    await eventually(told, 20, "the watcher told")


async def test_stock_received_by_inventory_tells_the_watcher_and_stock_on_hand_needs_no_watch(
    api, system, messaging
):
    await catalog_product(api, "UPS-1500")
    await set_contact(api, "cust-1")
    await watch(api, "cust-1", "UPS-1500")
    receipt = {"sku": "UPS-1500", "warehouse_id": "dakar", "quantity": 5, "reference": "BL-77"}

    async def received() -> bool:  # once inventory learnt the product from the catalog
        answer = await api.post("/api/inventory/receipts", json=receipt, role="staff")
        return answer.status_code == 201

    await eventually(received, 20, "the receipt")
    told = await wait_message(api, "cust-1", lambda m: m["status"] == "sent", "the watcher told")
    assert told["kind"] == "stock_back"
    in_stock = await api.post(WATCHES, json={"sku": "UPS-1500"}, role="customer", subject="cust-1")
    assert in_stock.status_code == 409 and in_stock.json()["field"] == "body.sku"
