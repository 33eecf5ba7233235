"""Spreading a whole discount over cart lines without ever taking more than a line has left."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def allocate(amount: int, weights: Sequence[Fraction], caps: Sequence[int]) -> list[int]:
    """Split `amount` in proportion to `weights` (largest remainders get the leftover francs),
    no share above its cap. `amount` must not exceed the sum of the caps of the lines that
    weigh something."""
    total = sum(weights, Fraction(0))
    if amount <= 0 or total == 0:
        return [0] * len(weights)
    exact = [amount * w / total for w in weights]
    shares = [min(int(e), cap) for e, cap in zip(exact, caps, strict=True)]
    leftover = amount - sum(shares)
    by_remainder = sorted(
        (i for i, w in enumerate(weights) if w > 0), key=lambda i: (-(exact[i] - int(exact[i])), i)
    )
    while leftover > 0:
        progressed = False
        for i in by_remainder:
            if leftover == 0:
                break
            if shares[i] < caps[i]:
                shares[i] += 1
                leftover -= 1
                progressed = True
        if not progressed:
            raise ValueError("amount exceeds what the lines can take")
    return shares
