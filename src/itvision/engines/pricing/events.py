"""Events of the pricing engine: computed prices, margin and settings changes, volume tiers.

`pricing.price.calculated` is the seed's `PriceCalculatedEvent`, field for field: the seed's
KafkaJS code reads and writes it, so it must not grow or lose a field without a new version.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "pricing-engine"


class PriceCalculated(Payload):
    product_id: str
    base_cost: Amount
    margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    final_price: Amount
    currency: Currency = "XOF"
    calculated_at: UtcDatetime


class MarginUpdated(Payload):
    product_id: str
    previous_margin_rate: Rate | None = None
    margin_rate: Rate
    updated_by: str | None = None
    updated_at: UtcDatetime


class PricingSettingsChanged(Payload):
    """The full set of pricing parameters in force at the scope after the change, not a diff:
    for a category or a product, each rate is the one that applies there (its own, or the one
    it inherits)."""

    scope: str = Field(
        default="global",
        description="What the settings apply to: 'global', 'category:<id>' or 'product:<id>'",
    )
    default_margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    vat_rate: Rate
    rounding_step: int = Field(gt=0, description="Prices are rounded to a multiple of this (F)")
    changed_by: str | None = None
    changed_at: UtcDatetime
    min_margin_rate: Rate | None = Field(
        default=None, description="No margin may be set under it; tier prices are clamped to it"
    )
    rounding_mode: Literal["up", "nearest"] | None = Field(
        default=None, description="Rounding to the step: 'up' or to the 'nearest' step"
    )


class PriceTierActivated(Payload):
    """A buyer's quantity of one SKU reached a higher tier: `unit_price` is the tier's unit
    price excl. VAT, `previous_unit_price` the one of the tier below (or without tier)."""

    product_id: str
    tier_id: str
    min_quantity: int = Field(gt=0)
    unit_price: Amount
    previous_unit_price: Amount | None = None
    currency: Currency = "XOF"
    group_id: str | None = Field(default=None, description="The group buy that reached the tier")
    activated_at: UtcDatetime
    sku: str | None = Field(
        default=None, description="The SKU priced: the product's or a variant's"
    )
    quantity: int | None = Field(default=None, gt=0, description="The quantity that reached it")


TOPICS: tuple[Topic, ...] = (
    Topic(
        "pricing.price.calculated",
        PriceCalculated,
        SOURCE,
        "A product's selling price was calculated (Prix calculé)",
        key="product_id",
    ),
    Topic(
        "pricing.margin.updated",
        MarginUpdated,
        SOURCE,
        "A product's margin rate was changed (Marge modifiée)",
        key="product_id",
    ),
    Topic(
        "pricing.settings.changed",
        PricingSettingsChanged,
        SOURCE,
        "Pricing parameters were changed, globally or for a category or a product "
        "(Paramètres globaux changés)",
        key="scope",
    ),
    Topic(
        "pricing.tier.activated",
        PriceTierActivated,
        SOURCE,
        "A volume price tier was reached for a product (Palier de prix atteint)",
        key="product_id",
    ),
)
