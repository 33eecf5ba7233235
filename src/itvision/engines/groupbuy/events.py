"""Events of the group-buy engine: groups pooling orders of one product to reach price tiers.

A tier's `min_quantity` counts what the group's `basis` says: participants or units. Prices
are per unit, VAT included. Each participation (`participation_id`) is paid through the payment
engine at the price the group had when it joined; the group's order of a participant is placed
at the price reached (never above what was paid) and the difference is refunded.
"""

from typing import Literal

from pydantic import Field

from itvision.engines.order.events import DeliveryAddress
from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "group-buy-engine"


class PriceTier(Payload):
    min_quantity: int = Field(gt=0)
    unit_price: Amount


TierBasis = Literal["participants", "quantity"]
GroupPaymentMethod = Literal["wave", "orange_money"]


class Participant(Payload):
    customer_id: str
    quantity: int = Field(gt=0)
    participation_id: str | None = None
    unit_price: Amount | None = Field(
        default=None, description="Closed: the unit price of the participant's order"
    )
    paid_unit_price: Amount | None = Field(
        default=None, description="The unit price paid when joining"
    )
    payment_method: GroupPaymentMethod | None = None
    paid: bool = Field(default=False, description="Expired: whether money is to be refunded")
    delivery_method: Literal["home_delivery", "pickup"] = "home_delivery"
    delivery_address: DeliveryAddress | None = None


class GroupCreated(Payload):
    group_id: str
    product_id: str
    sku: str
    initiator_id: str = Field(description="The customer who opened the group")
    tiers: list[PriceTier] = Field(min_length=1)
    target_quantity: int = Field(gt=0)
    unit_price: Amount = Field(description="Unit price before any tier is reached")
    currency: Currency = "XOF"
    expires_at: UtcDatetime
    created_at: UtcDatetime
    basis: TierBasis = "quantity"
    name: str | None = None
    max_participants: int | None = Field(default=None, gt=0)
    max_total_quantity: int | None = Field(default=None, gt=0)
    max_quantity_per_person: int | None = Field(default=None, gt=0)


class ParticipantJoined(Payload):
    group_id: str
    customer_id: str
    quantity: int = Field(gt=0)
    total_quantity: int = Field(gt=0, description="Quantity pledged by the whole group")
    participant_count: int = Field(gt=0)
    joined_at: UtcDatetime
    participation_id: str | None = None
    sku: str | None = None
    unit_price: Amount | None = Field(default=None, description="The unit price to pay now")
    amount_due: Amount | None = Field(default=None, description="unit_price × quantity")
    currency: Currency = "XOF"
    payment_method: GroupPaymentMethod | None = None
    pay_by: UtcDatetime | None = Field(
        default=None, description="Unpaid by then, the participation is dropped"
    )


class ParticipantLeft(Payload):
    """A participation ended before the group closed: the customer left, its payment failed,
    or it was not paid in time. Its seat is free, its stock released, its payment refunded."""

    group_id: str
    participation_id: str
    customer_id: str
    sku: str
    quantity: int = Field(gt=0)
    reason: Literal["left", "payment_failed", "unpaid"]
    paid: bool = Field(description="Money was taken and is to be refunded")
    participant_count: int = Field(ge=0)
    total_quantity: int = Field(ge=0)
    left_at: UtcDatetime


class ThresholdReached(Payload):
    group_id: str
    product_id: str
    threshold_quantity: int = Field(gt=0)
    total_quantity: int = Field(gt=0)
    unit_price: Amount = Field(description="The unit price the tier unlocks")
    currency: Currency = "XOF"
    reached_at: UtcDatetime
    sku: str | None = None
    basis: TierBasis = "quantity"
    tier_index: int | None = Field(default=None, ge=0, description="0 for the first tier")
    previous_unit_price: Amount | None = None


class GroupClosed(Payload):
    group_id: str
    product_id: str
    sku: str
    participants: list[Participant]
    total_quantity: int = Field(ge=0)
    final_unit_price: Amount
    currency: Currency = "XOF"
    closed_at: UtcDatetime
    name: str | None = None


class GroupExpired(Payload):
    group_id: str
    product_id: str
    participants: list[Participant]
    total_quantity: int = Field(ge=0)
    target_quantity: int = Field(gt=0)
    expired_at: UtcDatetime
    sku: str | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "groupbuy.group.created",
        GroupCreated,
        SOURCE,
        "A group buy was opened for a product (Groupe créé)",
        key="group_id",
    ),
    Topic(
        "groupbuy.participant.joined",
        ParticipantJoined,
        SOURCE,
        "A customer joined a group buy (Participant rejoint)",
        key="group_id",
    ),
    Topic(
        "groupbuy.participant.left",
        ParticipantLeft,
        SOURCE,
        "A participation ended before the group closed (Participant parti)",
        key="group_id",
    ),
    Topic(
        "groupbuy.threshold.reached",
        ThresholdReached,
        SOURCE,
        "A group buy reached a quantity threshold (Seuil atteint)",
        key="group_id",
    ),
    Topic(
        "groupbuy.group.closed",
        GroupClosed,
        SOURCE,
        "A group buy closed and its orders can be placed (Groupe clôturé)",
        key="group_id",
    ),
    Topic(
        "groupbuy.group.expired",
        GroupExpired,
        SOURCE,
        "A group buy ended without reaching its target (Groupe expiré)",
        key="group_id",
    ),
)
