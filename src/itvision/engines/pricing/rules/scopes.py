"""Pricing settings at three scopes — global, category, product — and how they combine.

Each component (margin, service fee, insurance, tiers) is taken from the most specific scope
that sets it: the product, then its category and that category's ancestors from the leaf up to
the root, then the global settings. A scope leaves a component to the scopes above it by not
setting it (None); an empty tier list at a scope means "no tiers here", not "inherit".

The minimum margin is a guard on settings: no scope may set a margin under it (InvalidInput
naming the field), and the minimum cannot be raised above a margin already set somewhere.
Tiers are not refused for it: a tier price is clamped to the minimum margin (see `formula`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from itvision.engines.pricing.rules.formula import ComponentRates, PriceRules, RoundingMode
from itvision.engines.pricing.rules.tiers import Tier
from itvision.platform.errors import InvalidInput
from itvision.platform.money import VAT_RATE

GLOBAL = "global"
RATE_COMPONENTS = ("margin_rate", "service_fee_rate", "insurance_rate")


def category_scope(category_id: str) -> str:
    return f"category:{category_id}"


def product_scope(product_id: str) -> str:
    return f"product:{product_id}"


@dataclass(frozen=True, slots=True)
class Overrides:
    """What one category or product sets; None leaves the component to the scopes above."""

    margin_rate: Decimal | None = None
    service_fee_rate: Decimal | None = None
    insurance_rate: Decimal | None = None
    tiers: tuple[Tier, ...] | None = None


@dataclass(frozen=True, slots=True)
class GlobalSettings:
    """The global settings; the defaults are the seed's example (25 % + 5 % + 2 %)."""

    default_margin_rate: Decimal = Decimal("0.25")
    service_fee_rate: Decimal = Decimal("0.05")
    insurance_rate: Decimal = Decimal("0.02")
    min_margin_rate: Decimal = Decimal("0.10")
    vat_rate: Decimal = VAT_RATE
    rounding_step: int = 5
    rounding_mode: RoundingMode = "up"
    quote_validity_hours: int = 72
    tiers: tuple[Tier, ...] = ()

    @property
    def rules(self) -> PriceRules:
        return PriceRules(
            min_margin_rate=self.min_margin_rate,
            vat_rate=self.vat_rate,
            rounding_step=self.rounding_step,
            rounding_mode=self.rounding_mode,
        )

    def rate(self, component: str) -> Decimal:
        return self.default_margin_rate if component == "margin_rate" else getattr(self, component)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The settings that apply to one SKU, and the scope each component came from."""

    rates: ComponentRates
    tiers: tuple[Tier, ...]
    sources: Mapping[str, str] = field(default_factory=dict)

    def tier_id(self, tier: Tier) -> str:
        return f"{self.sources['tiers']}:{tier.min_quantity}"


def chain(product_id: str, category_path: Sequence[str]) -> list[str]:
    """The scopes that may set a SKU's components, most specific first."""
    return [product_scope(product_id), *(category_scope(c) for c in reversed(category_path))]


def resolve(
    settings: GlobalSettings,
    overrides: Mapping[str, Overrides],
    product_id: str,
    category_path: Sequence[str],
) -> Resolved:
    return resolve_chain(settings, overrides, chain(product_id, category_path))


def resolve_chain(
    settings: GlobalSettings, overrides: Mapping[str, Overrides], scopes: Sequence[str]
) -> Resolved:
    """Each component from the first of `scopes` (most specific first) that sets it."""
    found = [(s, overrides[s]) for s in scopes if s in overrides]
    values: dict[str, Decimal] = {}
    sources: dict[str, str] = {}
    for component in RATE_COMPONENTS:
        scope, value = next(
            ((s, getattr(o, component)) for s, o in found if getattr(o, component) is not None),
            (GLOBAL, settings.rate(component)),
        )
        values[component], sources[component] = value, scope
    tier_scope, tiers = next(
        ((s, o.tiers) for s, o in found if o.tiers is not None), (GLOBAL, settings.tiers)
    )
    sources["tiers"] = tier_scope
    return Resolved(ComponentRates(**values), tiers, sources)


def ensure_margin_floor(margin_rate: Decimal | None, min_margin_rate: Decimal, field: str) -> None:
    if margin_rate is not None and margin_rate < min_margin_rate:
        raise InvalidInput(
            f"a margin of {margin_rate} is under the minimum margin {min_margin_rate}",
            field=field,
        )


def ensure_global_consistent(
    settings: GlobalSettings, changed: Iterable[str], overrides: Mapping[str, Overrides]
) -> None:
    """The minimum margin holds for the default margin and every margin set at a scope."""
    changed = set(changed)
    if settings.default_margin_rate < settings.min_margin_rate:
        field = "default_margin_rate" if "default_margin_rate" in changed else "min_margin_rate"
        raise InvalidInput(
            f"the default margin {settings.default_margin_rate} is under the minimum margin "
            f"{settings.min_margin_rate}",
            field=field,
        )
    for scope, override in sorted(overrides.items()):
        if override.margin_rate is not None and override.margin_rate < settings.min_margin_rate:
            raise InvalidInput(
                f"{scope} has a margin of {override.margin_rate}, under the minimum margin "
                f"{settings.min_margin_rate}: lower that margin first",
                field="min_margin_rate",
            )
