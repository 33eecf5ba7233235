"""Events of the technician engine: missions posted by customers, technicians' bids, assignment
and completion."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "technician-engine"


class MissionCreated(Payload):
    mission_id: str
    customer_id: str
    service_type: Literal[
        "installation", "repair", "maintenance", "network", "diagnostic", "training", "other"
    ]
    title: str
    city: str
    area: str | None = Field(default=None, description="Neighbourhood (quartier)")
    budget_min: Amount | None = None
    budget_max: Amount | None = None
    currency: Currency = "XOF"
    scheduled_for: UtcDatetime | None = None
    bidding_closes_at: UtcDatetime | None = None
    created_at: UtcDatetime


class BidPlaced(Payload):
    mission_id: str
    bid_id: str
    technician_id: str
    amount: Amount
    currency: Currency = "XOF"
    estimated_hours: int | None = Field(default=None, gt=0)
    placed_at: UtcDatetime


class MissionAssigned(Payload):
    mission_id: str
    customer_id: str
    technician_id: str
    bid_id: str | None = None
    agreed_price: Amount
    currency: Currency = "XOF"
    scheduled_for: UtcDatetime | None = None
    assigned_at: UtcDatetime


class MissionCompleted(Payload):
    mission_id: str
    customer_id: str
    technician_id: str
    final_price: Amount
    currency: Currency = "XOF"
    completed_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "technician.mission.created",
        MissionCreated,
        SOURCE,
        "A customer posted a mission for technicians (Mission créée)",
        key="mission_id",
    ),
    Topic(
        "technician.bid.placed",
        BidPlaced,
        SOURCE,
        "A technician bid on a mission (Offre déposée)",
        key="mission_id",
    ),
    Topic(
        "technician.mission.assigned",
        MissionAssigned,
        SOURCE,
        "A mission was assigned to a technician (Mission assignée)",
        key="mission_id",
    ),
    Topic(
        "technician.mission.completed",
        MissionCompleted,
        SOURCE,
        "A technician finished a mission (Mission terminée)",
        key="mission_id",
    ),
)
