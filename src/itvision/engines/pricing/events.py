"""Events of the pricing engine: computed prices, margin and settings changes, volume tiers.

`pricing.price.calculated` is the seed's `PriceCalculatedEvent`, field for field: the seed's
KafkaJS code reads and writes it, so it must not grow or lose a field without a new version.
"""

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

OWNER = "pricing-engine"


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
    """The full set of global pricing parameters after the change, not a diff."""

    scope: str = Field(
        default="global", description="What the settings apply to: 'global' or a country code"
    )
    default_margin_rate: Rate
    service_fee_rate: Rate
    insurance_rate: Rate
    vat_rate: Rate
    rounding_step: int = Field(gt=0, description="Prices are rounded to a multiple of this (F)")
    changed_by: str | None = None
    changed_at: UtcDatetime


class PriceTierActivated(Payload):
    product_id: str
    tier_id: str
    min_quantity: int = Field(gt=0)
    unit_price: Amount
    previous_unit_price: Amount | None = None
    currency: Currency = "XOF"
    group_id: str | None = Field(default=None, description="The group buy that reached the tier")
    activated_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "pricing.price.calculated",
        PriceCalculated,
        OWNER,
        "A product's selling price was calculated (Prix calculé)",
        key="product_id",
    ),
    Topic(
        "pricing.margin.updated",
        MarginUpdated,
        OWNER,
        "A product's margin rate was changed (Marge modifiée)",
        key="product_id",
    ),
    Topic(
        "pricing.settings.changed",
        PricingSettingsChanged,
        OWNER,
        "The global pricing parameters were changed (Paramètres globaux changés)",
        key="scope",
    ),
    Topic(
        "pricing.tier.activated",
        PriceTierActivated,
        OWNER,
        "A volume price tier was reached for a product (Palier de prix atteint)",
        key="product_id",
    ),
)
