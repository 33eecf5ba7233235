"""What a cart holds: a line per SKU (up to `MAX_LINE_QUANTITY` units), up to `MAX_LINES` lines
and `MAX_CODES` promo codes, read without regard to case or surrounding spaces."""

from __future__ import annotations

from itvision.platform.errors import Conflict

MAX_LINE_QUANTITY = 999
MAX_LINES = 100
MAX_CODES = 5


def normalize_code(code: str) -> str:
    """' bienvenue' is the code 'BIENVENUE' (as the promotion engine reads it)."""
    return code.strip().upper()


def line_quantity(current: int, quantity: int, *, add: bool) -> int:
    """The line's quantity after putting `quantity` in the cart (added to `current`, or
    instead of it); raises Conflict on `quantity` past the limit."""
    wanted = current + quantity if add else quantity
    if wanted > MAX_LINE_QUANTITY:
        raise Conflict(f"a cart line holds at most {MAX_LINE_QUANTITY} units", field="quantity")
    return wanted


def check_room(lines: int, codes: int) -> None:
    if lines > MAX_LINES:
        raise Conflict(f"a cart holds at most {MAX_LINES} lines", field="sku")
    if codes > MAX_CODES:
        raise Conflict(f"a cart holds at most {MAX_CODES} promo codes", field="code")
