"""Which status a shipment may take next, and what a delivery must report.

    created ──▶ picked_up ──▶ in_transit ──▶ out_for_delivery ──▶ delivered
       │            │  ╲            │   ▲            │    ▲
       ▼            │   ╲───────────┼───┼────────────┘    │
    cancelled       ▼               ▼   │                 │
                returned ◀──── failed_attempt ────────────┘

- Only the order's cancellation cancels a shipment, and only before it left (`created`).
- A courier in Dakar often takes a parcel straight to the customer: picked_up may go to
  out_for_delivery or delivered without in_transit. A store pickup is picked_up (handed over
  to the store or the customer) then delivered.
- failed_attempt (nobody home, phone off) goes out again, or back to the shop (returned).
- delivered, returned and cancelled are final.
- Cash on delivery: the delivered report says how much cash the courier took
  (`cash_collected`, required). An amount other than the order's total is recorded as reported,
  with a warning on the shipment (`cash_discrepancy`) and in the log: the parcel is with the
  customer whatever the courier took, and refusing the report would only lose what happened.
  A paid order's delivery reports no cash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from itvision.engines.shipping.events import ShipmentStatus
from itvision.platform import errors
from itvision.platform.errors import InvalidInput

STATUSES: tuple[ShipmentStatus, ...] = get_args(ShipmentStatus)
FINAL: frozenset[ShipmentStatus] = frozenset({"delivered", "returned", "cancelled"})
REPORTED: tuple[ShipmentStatus, ...] = (
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "failed_attempt",
    "returned",
)
"""The statuses staff and carriers report (`created` and `cancelled` are the engine's)."""

TRANSITIONS: Mapping[ShipmentStatus, frozenset[ShipmentStatus]] = {
    "created": frozenset({"picked_up", "cancelled"}),
    "picked_up": frozenset({"in_transit", "out_for_delivery", "delivered", "returned"}),
    "in_transit": frozenset({"out_for_delivery", "delivered", "failed_attempt", "returned"}),
    "out_for_delivery": frozenset({"delivered", "failed_attempt", "returned"}),
    "failed_attempt": frozenset({"in_transit", "out_for_delivery", "delivered", "returned"}),
    "delivered": frozenset(),
    "returned": frozenset(),
    "cancelled": frozenset(),
}


class InvalidTransition(errors.InvalidTransition):
    """409: a status the shipment may not take now."""

    def __init__(self, current: ShipmentStatus, wanted: ShipmentStatus) -> None:
        allowed = allowed_next(current)
        said = ", ".join(allowed) or "none: it is final"
        super().__init__(
            f"a {current} shipment cannot become {wanted}; allowed: {said}", current, allowed
        )


def allowed_next(current: ShipmentStatus) -> list[ShipmentStatus]:
    return sorted(TRANSITIONS[current])


def check_transition(current: ShipmentStatus, wanted: ShipmentStatus) -> None:
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(current, wanted)


@dataclass(frozen=True, slots=True)
class CashReport:
    """What a delivery says about cash: what was due, what was taken, and the warning to keep
    when they differ."""

    due: int | None
    collected: int | None
    discrepancy: str | None


def cash_on_delivery(
    status: ShipmentStatus, cash_due: int | None, cash_collected: int | None
) -> CashReport:
    """Checks the cash a report carries against what the order owes (see the module)."""
    if status != "delivered":
        if cash_collected:
            raise InvalidInput("cash is reported only with delivered", field="cash_collected")
        return CashReport(cash_due, None, None)
    if cash_due is None:
        if cash_collected:
            raise InvalidInput(
                "this order was paid before delivery: the courier collects no cash",
                field="cash_collected",
            )
        return CashReport(None, None, None)
    if cash_collected is None:
        raise InvalidInput(
            f"cash on delivery: say how much cash was collected ({cash_due} F CFA due)",
            field="cash_collected",
        )
    discrepancy = None
    if cash_collected != cash_due:
        discrepancy = f"{cash_collected} F CFA collected, {cash_due} F CFA due"
    return CashReport(cash_due, cash_collected, discrepancy)
