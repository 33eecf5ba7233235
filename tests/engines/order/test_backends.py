"""The order engine on every backend ({SQLite, PostgreSQL} × {SQL log, Kafka}): the saga's
answers in reverse order still end in the right status, once."""

from __future__ import annotations

import pytest

from tests.conftest import COMBINATIONS
from tests.engines.order.support import (
    delivered,
    dispatched,
    emit,
    paid,
    placed_order,
    published,
    reaches,
    refused,
    reserved,
)

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)

TOTAL = 389_400 + 2 * 10_000 + 1_500


async def test_answers_in_reverse_order_end_delivered_once(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "shipping-engine", delivered(order_id))
    await emit(engine, "shipping-engine", dispatched(order_id))
    await emit(engine, "payment-engine", paid(order_id, TOTAL))
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "delivered")
    for topic in ("order.order.confirmed", "order.order.shipped", "order.order.delivered"):
        assert len(await published(engine, topic, order_id)) == 1, topic


async def test_a_refusal_cancels_and_a_late_payment_changes_nothing(engine, engine_api):
    order_id = await placed_order(engine, "orange_money")
    await emit(engine, "payment-engine", paid(order_id, TOTAL, "orange_money"))
    await emit(engine, "inventory-engine", refused(order_id))
    await reaches(engine_api, order_id, "cancelled")
    [cancelled] = await published(engine, "order.order.cancelled", order_id)
    assert cancelled["reason"] == "out_of_stock"
    assert await published(engine, "order.order.confirmed", order_id) == []
