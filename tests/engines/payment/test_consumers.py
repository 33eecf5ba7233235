"""Payment follows the other engines' events on every backend, whatever order they arrive in:
an order reserved before it is placed is payable once placed and is paid through Wave; a
refund seen before the cash-on-delivery payment it returns waits (parked) for the delivery."""

from __future__ import annotations

import pytest

from tests.conftest import COMBINATIONS, eventually
from tests.engines.payment.support import (
    cancel,
    deliver,
    place,
    published,
    refund,
    reserve,
)
from tests.support.simulators import pay_order

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)


async def test_reserved_before_placed_then_paid_then_cancelled_is_refunded(api, system, simulators):
    await reserve(system, "CMD-1")
    await place(system, "CMD-1", total=99_000)
    payment = await pay_order(api, simulators, "CMD-1")
    assert (payment["status"], payment["fee"]) == ("succeeded", 990)
    await cancel(system, "CMD-1")

    async def refund_queued() -> bool:
        answer = await api.get("/api/payments/refunds?order_id=CMD-1", role="staff")
        return answer.json()["total"] == 1

    await eventually(refund_queued, 30, "the refund of the cancelled order")


async def test_a_refund_before_the_cash_is_collected_waits_for_it(api, system):
    await place(system, "CMD-2", method="cash_on_delivery", total=20_000)
    await refund(system, "CMD-2", "RMB-1", 5_000)
    await deliver(system, "CMD-2", cash=20_000)

    async def refund_queued() -> bool:
        answer = await api.get("/api/payments/refunds?order_id=CMD-2", role="staff")
        return [r["amount"] for r in answer.json()["items"]] == [5_000]

    await eventually(refund_queued, 30, "the parked refund, once the cash is collected")
    [paid] = await published(system, "payment.payment.succeeded", "CMD-2")
    assert paid["amount"] == 20_000
