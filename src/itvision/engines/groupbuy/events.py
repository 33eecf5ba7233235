"""Events of the group-buy engine: groups pooling orders of one product to reach price tiers."""

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "group-buy-engine"


class PriceTier(Payload):
    min_quantity: int = Field(gt=0)
    unit_price: Amount


class Participant(Payload):
    customer_id: str
    quantity: int = Field(gt=0)


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


class ParticipantJoined(Payload):
    group_id: str
    customer_id: str
    quantity: int = Field(gt=0)
    total_quantity: int = Field(gt=0, description="Quantity pledged by the whole group")
    participant_count: int = Field(gt=0)
    joined_at: UtcDatetime


class ThresholdReached(Payload):
    group_id: str
    product_id: str
    threshold_quantity: int = Field(gt=0)
    total_quantity: int = Field(gt=0)
    unit_price: Amount = Field(description="The unit price the tier unlocks")
    currency: Currency = "XOF"
    reached_at: UtcDatetime


class GroupClosed(Payload):
    group_id: str
    product_id: str
    sku: str
    participants: list[Participant]
    total_quantity: int = Field(ge=0)
    final_unit_price: Amount
    currency: Currency = "XOF"
    closed_at: UtcDatetime


class GroupExpired(Payload):
    group_id: str
    product_id: str
    participants: list[Participant]
    total_quantity: int = Field(ge=0)
    target_quantity: int = Field(gt=0)
    expired_at: UtcDatetime


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
