"""Events of the customer engine (CRM): customer profiles and their segment.

Profiles carry the contact details notifications need, so that no consumer has to call back.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "customer-engine"

PHONE = r"^\+[1-9][0-9]{6,14}$"

Segment = Literal["new", "occasional", "regular", "vip", "at_risk", "dormant"]


class ProfileCreated(Payload):
    customer_id: str
    kind: Literal["individual", "business"] = "individual"
    display_name: str
    company_name: str | None = None
    email: str | None = None
    phone: str | None = Field(default=None, pattern=PHONE, description="E.164")
    country: str = Field(default="SN", pattern=r"^[A-Z]{2}$")
    city: str | None = None
    locale: Literal["fr", "en"] = "fr"
    marketing_opt_in: bool = False
    referred_by: str | None = Field(default=None, description="The referring customer's id")
    created_at: UtcDatetime


class ProfileUpdated(Payload):
    """The profile as it is after the change, with the names of the fields that changed."""

    customer_id: str
    kind: Literal["individual", "business"]
    display_name: str
    company_name: str | None = None
    email: str | None = None
    phone: str | None = Field(default=None, pattern=PHONE, description="E.164")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    city: str | None = None
    locale: Literal["fr", "en"]
    marketing_opt_in: bool
    changed_fields: list[str] = Field(description="snake_case names, e.g. ['phone']")
    updated_at: UtcDatetime


class SegmentChanged(Payload):
    customer_id: str
    previous_segment: Segment | None = None
    segment: Segment
    reason: str | None = None
    changed_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "customer.profile.created",
        ProfileCreated,
        SOURCE,
        "A customer profile was created (Profil client créé)",
        key="customer_id",
    ),
    Topic(
        "customer.profile.updated",
        ProfileUpdated,
        SOURCE,
        "A customer profile was modified (Profil client modifié)",
        key="customer_id",
    ),
    Topic(
        "customer.segment.changed",
        SegmentChanged,
        SOURCE,
        "A customer moved to another segment (Segment client changé)",
        key="customer_id",
    ),
)
