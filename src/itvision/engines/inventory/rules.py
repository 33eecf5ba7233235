"""The inventory engine's business rules, as pure functions over plain values (no I/O).

- available = on hand − reserved, per SKU and location; reserved never exceeds on hand.
- A reservation takes a SKU from its locations in order of preference (the delivery country's
  first, then default locations, then by code), as much as each has available: the first
  location fills the line when it can, else the rest comes from the next ones. All of an
  order's lines are reserved or none.
- Alerts fire once per crossing: low when available falls to the SKU's threshold (and is not
  zero), depleted when it reaches zero, reorder when it falls to the reorder point.
- Reorder formula (per SKU and location):
      daily velocity  = units sold in the last N days / N   (N UTC days, today included)
      reorder point   = ⌈daily velocity × supplier lead time days⌉ + safety stock
      order-up-to     = reorder point + ⌈daily velocity × coverage days⌉
      suggested qty   = order-up-to − available
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Literal

from itvision.platform.errors import Conflict

ReservationStatus = Literal[
    "pending", "active", "released", "expired", "sold", "returned", "refused"
]
ReservationKind = Literal["order", "manual", "group_buy"]

# Which reservation statuses may follow which. `expired` may come back to `active` when a late
# payment confirmation or a shipment finds the stock still there.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "active": frozenset({"released", "expired", "sold"}),
    "expired": frozenset({"active"}),
    "sold": frozenset({"returned"}),
    "released": frozenset(),
    "returned": frozenset(),
    "refused": frozenset(),
    "pending": frozenset({"released"}),
}

# Refund reasons after which the goods come back to the shelf. A damaged item is not sellable,
# a commercial gesture leaves the goods with the customer; a partial refund restocks the lines
# it names, and one that names none is restocked by hand (POST /returns).
RESTOCKING_REFUND_REASONS = frozenset({"returned", "cancelled", "not_delivered"})


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(
            f"insufficient stock for {sku!r}: {requested} requested, {available} available",
            field="sku",
        )
        self.sku = sku
        self.requested = requested
        self.available = available


class MissingStockLevel(Conflict):
    """A reservation line names a stock level that is gone (a row deleted behind the engine's
    back): its stock cannot be released, sold or returned, so the reservation keeps its status
    until the level is restored (a count recreates it) and the step is retried."""

    def __init__(self, reference: str, sku: str, warehouse_id: str) -> None:
        super().__init__(
            f"reservation {reference!r} holds {sku!r} at {warehouse_id!r}, which has no stock "
            "level: count that stock, then try again",
            field="sku",
        )


def available(on_hand: int, reserved: int) -> int:
    return on_hand - reserved


@dataclass(frozen=True, slots=True)
class LocationRef:
    code: str
    country: str
    is_default: bool


def location_preference(locations: Iterable[LocationRef], country: str | None) -> list[str]:
    """Location codes in the order a reservation takes from them: the delivery country's
    locations first (a Dakar order ships from Dakar), then default ones, then by code."""
    ordered = sorted(
        locations, key=lambda loc: (loc.country != country, not loc.is_default, loc.code)
    )
    return [loc.code for loc in ordered]


@dataclass(frozen=True, slots=True)
class Allocation:
    sku: str
    warehouse_id: str
    quantity: int


def allocate(
    sku: str, quantity: int, available_by_location: Sequence[tuple[str, int]]
) -> list[Allocation]:
    """Take `quantity` of `sku` from the locations in the given order, as much as each has
    available, so that the first location fills the line whenever it can.

    Raises InsufficientStock when all of them together cannot."""
    if quantity <= 0:
        raise ValueError("a reservation holds a positive quantity")
    total = sum(max(a, 0) for _, a in available_by_location)
    if total < quantity:
        raise InsufficientStock(sku, quantity, total)
    allocations: list[Allocation] = []
    remaining = quantity
    for warehouse_id, free in available_by_location:
        take = min(remaining, max(free, 0))
        if take:
            allocations.append(Allocation(sku, warehouse_id, take))
            remaining -= take
        if not remaining:
            break
    return allocations


def requested_quantities(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Quantities per SKU, the lines of one SKU added up, in SKU order (the order in which
    stock rows are locked, so that two reservations never wait on each other)."""
    totals: dict[str, int] = {}
    for sku, quantity in lines:
        totals[sku] = totals.get(sku, 0) + quantity
    return dict(sorted(totals.items()))


@dataclass(frozen=True, slots=True)
class Shortage:
    """A line of an order that the stock cannot fill: how many were asked, how many are free."""

    sku: str
    requested: int
    available: int


def shortages(
    requested: Mapping[str, int], available: Mapping[str, Mapping[str, int]]
) -> list[Shortage]:
    """The SKUs of an order (quantities per SKU) that its locations cannot fill together; a SKU
    inventory does not know has nothing available."""
    found = []
    for sku, quantity in requested.items():
        free = sum(max(units, 0) for units in available.get(sku, {}).values())
        if free < quantity:
            found.append(Shortage(sku, quantity, free))
    return found


def refusal_reason(short: Sequence[Shortage]) -> str:
    """Why an order could not be reserved, in French, as the customer reads it."""
    parts = []
    for line in short:
        if line.available == 0:
            parts.append(f"« {line.sku} » n'est plus en stock")
        else:
            units = "disponible" if line.available == 1 else "disponibles"
            parts.append(
                f"« {line.sku} » : {line.requested} demandé(s), seulement {line.available} {units}"
            )
    return "Stock insuffisant : " + " ; ".join(parts) + "."


def reservation_expiry(
    now: datetime, payment_method: str | None, *, minutes: int, cash_on_delivery_hours: int
) -> datetime:
    """When an unpaid reservation lapses. Mobile money and card payments complete in minutes;
    a cash-on-delivery order waits for the merchant's confirmation, which takes longer."""
    if payment_method == "cash_on_delivery":
        return now + timedelta(hours=cash_on_delivery_hours)
    return now + timedelta(minutes=minutes)


def ensure_transition(status: str, target: str) -> None:
    if target not in TRANSITIONS.get(status, frozenset()):
        raise Conflict(f"a reservation that is {status} cannot become {target}", field="status")


def release_delta(reserved: int, quantity: int) -> int:
    """The change of reserved when `quantity` is released; never below zero (a drifted level
    is left for `reconcile` to report rather than blocking the release)."""
    return -min(quantity, reserved)


def sale_deltas(on_hand: int, reserved: int, quantity: int) -> tuple[int, int]:
    """(on hand delta, reserved delta) when `quantity` reserved units leave as a sale; bounded
    so that neither goes negative and reserved stays within on hand."""
    reserved_delta = -min(quantity, reserved)
    on_hand_delta = -min(quantity, on_hand - (reserved + reserved_delta))
    return on_hand_delta, reserved_delta


def check_adjustment(on_hand: int, reserved: int, delta: int) -> None:
    """An adjustment may not leave less on hand than is reserved (nor below zero)."""
    if delta == 0:
        raise Conflict("an adjustment changes the quantity", field="delta")
    if on_hand + delta < reserved:
        raise Conflict(
            f"on hand would be {on_hand + delta}, below the {reserved} reserved; "
            "release reservations first",
            field="delta",
        )


def count_delta(on_hand: int, reserved: int, counted: int) -> int:
    """The correction a physical count makes; refused when fewer were counted than are
    reserved (those reservations must be released first)."""
    if counted < reserved:
        raise Conflict(
            f"{counted} counted but {reserved} are reserved; release reservations first",
            field="counted",
        )
    return counted - on_hand


def refund_restocks(reason: str, is_partial: bool) -> bool:
    """Whether a refund that names no lines puts every sold line back on the shelves."""
    return not is_partial and reason in RESTOCKING_REFUND_REASONS


def returned_quantities(reason: str, lines: Sequence[tuple[str, int]]) -> dict[str, int]:
    """What a refund naming the goods that came back puts back on the shelves, per SKU."""
    if reason not in RESTOCKING_REFUND_REASONS:
        return {}
    quantities: dict[str, int] = {}
    for sku, quantity in lines:
        quantities[sku] = quantities.get(sku, 0) + quantity
    return quantities


@dataclass(frozen=True, slots=True)
class ItemSettings:
    """An item's replenishment settings: its own, or the engine's defaults."""

    low_stock_threshold: int
    safety_stock: int
    lead_time_days: int


def item_settings(
    *,
    low_stock_threshold: int | None,
    safety_stock: int | None,
    lead_time_days: int | None,
    defaults: ItemSettings,
) -> ItemSettings:
    """The item's own settings where staff set them (None: the default)."""

    def pick(own: int | None, default: int) -> int:
        return default if own is None else own

    return ItemSettings(
        low_stock_threshold=pick(low_stock_threshold, defaults.low_stock_threshold),
        safety_stock=pick(safety_stock, defaults.safety_stock),
        lead_time_days=pick(lead_time_days, defaults.lead_time_days),
    )


@dataclass(frozen=True, slots=True)
class ReorderPlan:
    daily_velocity: Fraction
    reorder_point: int
    order_up_to: int
    suggested_quantity: int


def sales_day(moment: datetime) -> date:
    """The UTC calendar day a sale made at `moment` counts on."""
    return moment.astimezone(UTC).date()


def first_sales_day(now: datetime, velocity_days: int) -> date:
    """The first day of the velocity window at `now`: its last `velocity_days` UTC days, today
    included (a sale counts for whole days, so the window moves at midnight UTC)."""
    return sales_day(now) - timedelta(days=velocity_days - 1)


def reorder_plan(
    *,
    units_sold: int,
    velocity_days: int,
    lead_time_days: int,
    safety_stock: int,
    coverage_days: int,
    available: int,
) -> ReorderPlan:
    """The reorder formula (see the module docstring). Example: 60 sold in 30 days is 2 a
    day; with 7 days of lead time and 5 of safety stock the reorder point is 19; covering 30
    days orders up to 79, so at 19 available the suggestion is 60."""
    velocity = Fraction(units_sold, velocity_days)
    reorder_point = math.ceil(velocity * lead_time_days) + safety_stock
    order_up_to = reorder_point + math.ceil(velocity * coverage_days)
    return ReorderPlan(velocity, reorder_point, order_up_to, max(order_up_to - available, 0))


@dataclass(frozen=True, slots=True)
class AlertState:
    """Which alerts were already sent for the current crossing."""

    low: bool
    depleted: bool
    reorder: bool


@dataclass(frozen=True, slots=True)
class Alerts:
    state: AlertState
    low: bool
    depleted: bool
    reorder: bool


def decide_alerts(
    available: int, *, threshold: int, plan: ReorderPlan, state: AlertState
) -> Alerts:
    """Which alerts to send now, and the state to remember. An alert is sent when its
    condition starts to hold and not again until it stopped holding; stock that runs out
    sends `depleted`, not also `low`."""
    depleted = available <= 0
    low = available <= threshold
    reorder = available <= plan.reorder_point and plan.suggested_quantity > 0
    return Alerts(
        state=AlertState(low=low, depleted=depleted, reorder=reorder),
        low=low and not depleted and not state.low,
        depleted=depleted and not state.depleted,
        reorder=reorder and not state.reorder,
    )


@dataclass(frozen=True, slots=True)
class Drift:
    """A stock level whose recorded quantity disagrees with what explains it: `reserved`
    against the open reservations, `on_hand` against the sum of the ledger."""

    sku: str
    warehouse_id: str
    quantity: Literal["reserved", "on_hand"]
    recorded: int
    expected: int

    @property
    def difference(self) -> int:
        return self.recorded - self.expected


@dataclass(frozen=True, slots=True)
class LevelQuantities:
    sku: str
    warehouse_id: str
    on_hand: int
    reserved: int


def find_drifts(
    levels: Iterable[LevelQuantities],
    open_reserved: Mapping[tuple[str, str], int],
    ledger_on_hand: Mapping[tuple[str, str], int],
) -> list[Drift]:
    drifts: list[Drift] = []
    for level in levels:
        key = (level.sku, level.warehouse_id)
        expected_reserved = open_reserved.get(key, 0)
        if level.reserved != expected_reserved:
            drifts.append(Drift(*key, "reserved", level.reserved, expected_reserved))
        expected_on_hand = ledger_on_hand.get(key, 0)
        if level.on_hand != expected_on_hand:
            drifts.append(Drift(*key, "on_hand", level.on_hand, expected_on_hand))
    return drifts
