"""The rules of products and variants, as pure functions over plain values (no I/O).

- A SKU is a merchant's code: ASCII letters and digits (with `. _ / -` inside), case does not
  matter (stored upper case), and it names one product or one variant across the whole
  catalog. Anything else is refused, never rewritten: `ß-1` would upper-case to `SS-1`.
- A refurbished product carries a grade (A best, C most worn); a new or used one does not.
- An active product (visible to customers) has a base cost above 0: pricing derives the
  selling price from it.
- No two variants of a product have the same option values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itvision.engines.catalog.rules.violations import Violation
from itvision.platform.errors import Conflict

if TYPE_CHECKING:
    from itvision.engines.catalog.models import Variant
    from itvision.engines.catalog.rules.categories import CategoryTree

SKU_MAX = 64
_SKU = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?")
STATUSES = ("draft", "active", "archived")
CONDITIONS = ("new", "refurbished", "used")
GRADES = ("A", "B", "C")
MAX_IMAGES = 20
MAX_OPTIONS = 10
SCREEN_STEP = Decimal("0.1")  # screen diagonals are given to the tenth of an inch
MAX_BASE_COST = 1_000_000_000  # 1 milliard F CFA: above, a typo rather than a product

# Bounds of the typed attributes, shared by the API models and the spreadsheet import.
RANGES: dict[str, tuple[int, int]] = {
    "ram_gb": (1, 4096),
    "storage_gb": (1, 1_000_000),
    "screen_inches": (1, 150),
    "warranty_months": (0, 120),
    "weight_grams": (0, 1_000_000),
    "base_cost": (0, MAX_BASE_COST),
}
LENGTHS: dict[str, int] = {
    "name_fr": 200,
    "name_en": 200,
    "description_fr": 5000,
    "description_en": 5000,
    "brand": 80,
    "cpu": 100,
}

# The product fields staff edit, in the order changes are reported.
PRODUCT_FIELDS = (
    "name_fr",
    "name_en",
    "description_fr",
    "description_en",
    "brand",
    "category_id",
    "status",
    "condition",
    "grade",
    "ram_gb",
    "storage_gb",
    "cpu",
    "screen_inches",
    "warranty_months",
    "weight_grams",
    "base_cost",
    "images",
)
VARIANT_FIELDS = ("options", "weight_grams", "base_cost")


def normalize_sku(raw: str, field: str = "sku") -> str:
    """' ab-123 ' → 'AB-123'. Checked before upper-casing, which then only changes the case
    of ASCII letters ('ß'.upper() is 'SS', 'ı'.upper() is 'I')."""
    sku = raw.strip()
    if not _SKU.fullmatch(sku):
        raise Violation("invalid_sku", field, value=sku)
    return sku.upper()


def stored_sku(raw: str) -> str | None:
    """How the SKU `raw` is stored, for a lookup; None if no SKU is spelled so ('ß-1')."""
    sku = raw.strip()
    return sku.upper() if _SKU.fullmatch(sku) else None


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_option_name(name: str) -> str:
    """'Capacité ' → 'capacite': the same option whatever the accents, case or spacing."""
    return re.sub(r"[^a-z0-9]+", "_", strip_accents(name).lower()).strip("_")


def normalize_options(options: Mapping[str, str], field: str = "options") -> dict[str, str]:
    """Option values of a variant: names normalized, values trimmed; at least one option."""
    normalized: dict[str, str] = {}
    for name, value in options.items():
        key = normalize_option_name(name)
        text = " ".join(str(value).split())
        if not key or not text or key in normalized:
            raise Violation("invalid_options", field)
        if len(key) > 40 or len(text) > 100:
            raise Violation("too_long", field, max=100 if len(text) > 100 else 40)
        normalized[key] = text
    if not normalized:
        raise Violation("invalid_options", field)
    if len(normalized) > MAX_OPTIONS:
        raise Violation("too_many", field, max=MAX_OPTIONS)
    return dict(sorted(normalized.items()))


def options_key(options: Mapping[str, str]) -> str:
    """A canonical text of normalized options: two variants of a product never share it."""
    return "|".join(f"{k}={v.casefold()}" for k, v in sorted(options.items()))


def check_images(urls: Sequence[str], field: str = "images") -> list[str]:
    if len(urls) > MAX_IMAGES:
        raise Violation("too_many", field, max=MAX_IMAGES)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
            raise Violation("invalid_url", field, value=url)
    return list(urls)


def check_range(field: str, value: Any) -> Any:
    low, high = RANGES[field]
    if not low <= value <= high:
        raise Violation("out_of_range", field, low=low, high=high)
    return value


def check_product(values: Mapping[str, Any]) -> None:
    """The invariants that tie a product's fields together."""
    refurbished = values.get("condition") == "refurbished"
    if refurbished and values.get("grade") is None:
        raise Violation("grade_required", "grade")
    if not refurbished and values.get("grade") is not None:
        raise Violation("grade_forbidden", "grade")
    if values.get("status") == "active" and not values.get("base_cost"):
        raise Violation("active_needs_cost", "base_cost")


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Sequence[str]
) -> list[str]:
    return [f for f in fields if before.get(f) != after.get(f)]


def prepare_values(values: Mapping[str, Any], tree: CategoryTree) -> dict[str, Any]:
    """Product values ready to save: category resolved from id or slug, rules checked."""
    prepared = dict(values)
    prepared["category_id"] = tree.require(prepared["category_id"], "category_id")
    prepared["images"] = check_images(prepared.get("images") or [])
    check_product(prepared)
    return prepared


def check_distinct_options(
    siblings: Sequence[Variant], options: Mapping[str, str], variant_id: str | None = None
) -> None:
    """No two variants of a product have the same option values (409 naming the other)."""
    key = options_key(options)
    for sibling in siblings:
        if sibling.id != variant_id and sibling.options_key == key:
            raise Conflict(f"same options as variant {sibling.sku}", field="options")
