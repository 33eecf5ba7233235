"""Money: integer amounts in the currency's minor unit, exact decimal rates, explicit rounding.

XOF has no minor unit (1 = 1 franc CFA). A computation that multiplies by rates is carried in
`Decimal` and rounded once, at the end, to a whole amount or to a step (e.g. 5 F) — never a
float.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

XOF = "XOF"
VAT_RATE = Decimal("0.18")  # TVA in Senegal and Côte d'Ivoire

RoundingMode = Literal["nearest", "up", "down"]
_MODES = {"nearest": ROUND_HALF_UP, "up": ROUND_CEILING, "down": ROUND_FLOOR}


def round_amount(value: Decimal | int, step: int = 1, mode: RoundingMode = "nearest") -> int:
    """Round to a multiple of `step` (in minor units): 12_347 → 12_345 with step 5."""
    if step < 1:
        raise ValueError("a rounding step is a whole amount of at least 1")
    steps = (Decimal(value) / step).quantize(Decimal(1), rounding=_MODES[mode])
    return int(steps) * step


def apply_rate(amount: int, rate: Decimal) -> Decimal:
    """`amount × rate`, exact; round it with `round_amount` when it becomes a price."""
    return Decimal(amount) * rate


def vat_included(amount_excl: int, vat_rate: Decimal = VAT_RATE) -> tuple[int, int]:
    """(VAT, amount including VAT) of an amount excluding VAT, the VAT rounded to the franc."""
    vat = round_amount(apply_rate(amount_excl, vat_rate))
    return vat, amount_excl + vat


def format_xof(amount: int) -> str:
    """How customers read an amount: '1 250 000 F CFA' (narrow no-break spaces)."""
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0F\u00a0CFA"
