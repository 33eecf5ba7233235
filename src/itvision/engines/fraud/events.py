"""Events of the fraud engine: risk scores of orders, orders held for review, and cleared ones."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "fraud-engine"

RiskLevel = Literal["low", "medium", "high"]


class RiskScored(Payload):
    order_id: str
    customer_id: str
    score: int = Field(ge=0, le=100, description="0: no risk, 100: certain fraud")
    level: RiskLevel
    signals: list[str] = Field(
        default_factory=list, description="Codes of the rules that fired, e.g. 'new_phone_number'"
    )
    scored_at: UtcDatetime


class OrderFlagged(Payload):
    order_id: str
    customer_id: str
    score: int = Field(ge=0, le=100)
    level: RiskLevel
    signals: list[str] = Field(default_factory=list)
    action: Literal["manual_review", "hold", "block"]
    flagged_at: UtcDatetime


class OrderCleared(Payload):
    order_id: str
    customer_id: str
    cleared_by: Literal["automatic", "analyst"]
    analyst_id: str | None = None
    note: str | None = None
    cleared_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "fraud.risk.scored",
        RiskScored,
        SOURCE,
        "An order received a fraud risk score (Risque évalué)",
        key="order_id",
    ),
    Topic(
        "fraud.order.flagged",
        OrderFlagged,
        SOURCE,
        "An order was held as suspicious (Commande signalée)",
        key="order_id",
    ),
    Topic(
        "fraud.order.cleared",
        OrderCleared,
        SOURCE,
        "A suspicious order was cleared and may proceed (Commande validée)",
        key="order_id",
    ),
)
