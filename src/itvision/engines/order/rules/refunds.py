"""What a return (refund after delivery) gives back.

- Staff name the goods that came back (lines: SKU and quantity), an amount, or both. Goods
  alone are worth what the customer paid for them: unit price × quantity, less the line's
  discount in proportion (a line of 3 with 3 000 F off gives 1 000 F less per unit returned).
  An amount alone is a gesture or a refund of the shipping fee; both: the amount is what is
  paid back for those goods.
- Never more units back than were sold and not returned yet, never more money than was paid
  and not refunded yet.
- The refund is partial while the order's refunds add up to less than its total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from itvision.engines.order.rules.lifecycle import Status
from itvision.platform.errors import Conflict, InvalidInput
from itvision.platform.money import round_amount


@dataclass(frozen=True, slots=True)
class SoldLine:
    sku: str
    quantity: int
    unit_price: int
    discount: int
    refunded_quantity: int = 0

    @property
    def returnable(self) -> int:
        return self.quantity - self.refunded_quantity


@dataclass(frozen=True, slots=True)
class Decision:
    amount: int
    is_partial: bool
    status: Status


def returned_value(line: SoldLine, quantity: int) -> int:
    """What `quantity` units of a sold line cost the customer, its discount shared per unit."""
    discount = round_amount(Decimal(line.discount) * quantity / line.quantity)
    return line.unit_price * quantity - discount


def decide_refund(
    order_total: int,
    refunded_before: int,
    sold: Sequence[SoldLine],
    returned: Sequence[tuple[str, int]],
    amount: int | None,
) -> Decision:
    """How much a refund gives back and what the order becomes; raises InvalidInput (a line
    the order does not have) or Conflict (too many units, too much money) naming the field."""
    by_sku: Mapping[str, SoldLine] = {line.sku: line for line in sold}
    value = 0
    seen: dict[str, int] = {}
    for index, (sku, quantity) in enumerate(returned):
        line = by_sku.get(sku)
        if line is None:
            raise InvalidInput(f"the order has no line {sku!r}", field=f"lines.{index}.sku")
        seen[sku] = seen.get(sku, 0) + quantity
        if seen[sku] > line.returnable:
            raise Conflict(
                f"only {line.returnable} of {sku!r} can still be returned",
                field=f"lines.{index}.quantity",
            )
        value += returned_value(line, quantity)
    refund = value if amount is None else amount
    left = order_total - refunded_before
    if refund <= 0:
        raise InvalidInput("a refund gives back a positive amount", field="amount")
    if refund > left:
        raise Conflict(f"only {left} F can still be refunded on this order", field="amount")
    partial = refunded_before + refund < order_total
    return Decision(refund, partial, "partially_refunded" if partial else "refunded")
