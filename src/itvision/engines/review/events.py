"""Events of the review engine: ratings and comments on products and technicians, and their
moderation. Only approved reviews count in public ratings."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "review-engine"

SubjectType = Literal["product", "technician"]


class ReviewSubmitted(Payload):
    review_id: str
    subject_type: SubjectType
    subject_id: str = Field(description="The product id or the technician id")
    customer_id: str
    order_id: str | None = None
    mission_id: str | None = None
    rating: int = Field(ge=1, le=5)
    title: str | None = None
    comment: str | None = None
    verified_purchase: bool = False
    submitted_at: UtcDatetime


class ReviewApproved(Payload):
    review_id: str
    subject_type: SubjectType
    subject_id: str
    customer_id: str
    rating: int = Field(ge=1, le=5)
    moderator_id: str | None = Field(default=None, description="None: approved automatically")
    approved_at: UtcDatetime


class ReviewRejected(Payload):
    review_id: str
    subject_type: SubjectType
    subject_id: str
    customer_id: str
    reason: Literal["spam", "offensive", "off_topic", "personal_data", "fake", "other"]
    moderator_id: str | None = Field(default=None, description="None: rejected automatically")
    rejected_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "review.review.submitted",
        ReviewSubmitted,
        SOURCE,
        "A customer submitted a review (Avis soumis)",
        key="review_id",
    ),
    Topic(
        "review.review.approved",
        ReviewApproved,
        SOURCE,
        "A review passed moderation and is published (Avis approuvé)",
        key="review_id",
    ),
    Topic(
        "review.review.rejected",
        ReviewRejected,
        SOURCE,
        "A review was refused by moderation (Avis rejeté)",
        key="review_id",
    ),
)
