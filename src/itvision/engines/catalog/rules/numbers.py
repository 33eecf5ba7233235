"""Numbers as merchants type them in spreadsheets (pure).

French locales write `15,6` for 15.6 and `1 250 000` (with spaces, no-break spaces or narrow
no-break spaces) for 1250000; some sheets use `1.250.000` or `1,250,000`. The CFA franc has no
cents, so an amount with groups of three after a single separator (`250.000`, `250,000`) can only
be thousands; any other fraction must be zero (`250000,00`). Units merchants add are accepted:
`16 Go`, `1 To`, `15,6"`, `2 ans`, `1,8 kg`, `250 000 F CFA`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from itvision.engines.catalog.rules.violations import Violation

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_NUMBER_AND_UNIT = re.compile(r"^([+-]?[\d\s\u00a0\u202f\u2009\u2007.,]*\d)\s*(.*?)$")
_CURRENCY = re.compile(r"\s*(f\s*cfa|fcfa|cfa|xof|f)\.?$", re.IGNORECASE)


def parse_decimal(text: str) -> Decimal:
    """'15,6' → 15.6; '1 250,5' → 1250.5; '1.250,5' and '1,250.5' → 1250.5."""
    compact = _SPACES.sub("", text)
    if not compact:
        raise Violation("required")
    sign = compact[0] if compact[0] in "+-" else ""
    digits = compact[len(sign) :]
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = digits.rpartition(decimal_mark)
        digits = f"{_ungrouped(whole, grouping, text)}.{fraction}"
    elif digits.count(",") > 1 or digits.count(".") > 1:
        digits = _ungrouped(digits, "," if "," in digits else ".", text)
    else:
        digits = digits.replace(",", ".")
    if not _PLAIN.match(digits):
        raise Violation("invalid_number", value=text.strip())
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        raise Violation("invalid_number", value=text.strip()) from None


def _ungrouped(digits: str, grouping: str, text: str) -> str:
    """'1.250.000' → '1250000'; groups after the first have exactly three digits."""
    if grouping in digits and not re.fullmatch(
        rf"\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+", digits
    ):
        raise Violation("invalid_number", value=text.strip())
    return digits.replace(grouping, "")


def parse_amount(text: str) -> int:
    """A whole amount of XOF: '250 000', '250.000', '250 000 F CFA', '250000,00' → 250000."""
    stripped = _CURRENCY.sub("", text.strip())
    compact = _SPACES.sub("", stripped)
    if _GROUPED.match(compact):
        return int(re.sub(r"[.,]", "", compact))
    value = parse_decimal(stripped)
    if value != value.to_integral_value():
        raise Violation("not_whole_francs", value=text.strip())
    return int(value)


def parse_whole(text: str) -> int:
    """'1 200' → 1200; '16,0' → 16; '16,5' is refused."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise Violation("not_whole", value=text.strip())
    return int(value)


def _with_unit(text: str, units: dict[str, int | Decimal], expected: str) -> Decimal:
    match = _NUMBER_AND_UNIT.match(text.strip())
    if match is None:
        if not text.strip():
            raise Violation("required")
        raise Violation("invalid_number", value=text.strip())
    number, unit = match.group(1), match.group(2).strip().lower().rstrip(".")
    if unit not in units:
        raise Violation("invalid_unit", value=text.strip(), expected=expected)
    return parse_decimal(number) * units[unit]


def _whole(value: Decimal, text: str) -> int:
    if value != value.to_integral_value():
        raise Violation("not_whole", value=text.strip())
    return int(value)


_GIGABYTES: dict[str, int | Decimal] = {
    "": 1,
    "g": 1,
    "go": 1,
    "gb": 1,
    "gio": 1,
    "gib": 1,
    # Storage is sold in decimal units: a 1 To disk is 1000 Go.
    "t": 1000,
    "to": 1000,
    "tb": 1000,
}


def parse_gigabytes(text: str) -> int:
    """RAM or storage in Go: '16', '16 Go', '512GB', '1 To', '1,5 To' → 1500."""
    return _whole(_with_unit(text, _GIGABYTES, "Go, To"), text)


_INCHES: dict[str, int | Decimal] = {
    "": 1,
    '"': 1,
    "''": 1,
    "″": 1,
    "in": 1,
    "inch": 1,
    "inches": 1,
    "pouce": 1,
    "pouces": 1,
}


def parse_inches(text: str) -> Decimal:
    """A screen diagonal: '15,6', '15.6"', '15,6 pouces' → 15.6."""
    return _with_unit(text, _INCHES, '", pouces')


_MONTHS: dict[str, int | Decimal] = {
    "": 1,
    "m": 1,
    "mois": 1,
    "month": 1,
    "months": 1,
    "an": 12,
    "ans": 12,
    "année": 12,
    "années": 12,
    "year": 12,
    "years": 12,
}


def parse_months(text: str) -> int:
    """A warranty: '12', '12 mois', '1 an', '2 ans' → 24."""
    return _whole(_with_unit(text, _MONTHS, "mois, ans"), text)


_GRAMS: dict[str, int | Decimal] = {
    "": 1,
    "g": 1,
    "gr": 1,
    "gramme": 1,
    "grammes": 1,
    "grams": 1,
    "kg": 1000,
    "kilo": 1000,
    "kilos": 1000,
}


def parse_grams(text: str) -> int:
    """A weight in grams: '1 800', '1800 g', '1,8 kg' → 1800."""
    return _whole(_with_unit(text, _GRAMS, "g, kg"), text)
