"""Events of the recommendation engine: suggestions shown to a visitor and the ones clicked."""

from typing import Annotated, Literal

from pydantic import Field

from itvision.platform.events import Payload, Rate, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "recommendation-engine"

Strategy = Literal["similar", "cross_sell", "upsell", "frequently_bought_together", "personalized"]


class SuggestedProduct(Payload):
    product_id: str
    rank: int = Field(ge=1)
    score: Annotated[Rate, Field(le=1, description="Relevance from 0 to 1")]


class SuggestionGenerated(Payload):
    suggestion_id: str
    strategy: Strategy
    session_id: str | None = None
    customer_id: str | None = None
    context_product_id: str | None = Field(
        default=None, description="The product the suggestions were made for, if any"
    )
    items: list[SuggestedProduct] = Field(min_length=1)
    generated_at: UtcDatetime


class SuggestionClicked(Payload):
    suggestion_id: str
    strategy: Strategy
    product_id: str
    rank: int = Field(ge=1)
    session_id: str | None = None
    customer_id: str | None = None
    clicked_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "recommendation.suggestion.generated",
        SuggestionGenerated,
        SOURCE,
        "A list of suggested products was produced (Suggestions générées)",
        key="suggestion_id",
    ),
    Topic(
        "recommendation.suggestion.clicked",
        SuggestionClicked,
        SOURCE,
        "A visitor clicked a suggested product (Suggestion cliquée)",
        key="suggestion_id",
    ),
)
