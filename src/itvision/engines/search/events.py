"""Events of the search engine: searches performed and changes to the product index."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "search-engine"


class QueryPerformed(Payload):
    query_id: str
    session_id: str
    customer_id: str | None = None
    query: str
    filters: dict[str, list[str]] = Field(
        default_factory=dict, description="Facet name to selected values, e.g. {'brand': ['HP']}"
    )
    result_count: int = Field(ge=0)
    took_ms: int = Field(ge=0)
    performed_at: UtcDatetime


class IndexUpdated(Payload):
    product_id: str
    operation: Literal["upsert", "delete"]
    index: str = "products"
    indexed_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "search.query.performed",
        QueryPerformed,
        SOURCE,
        "A visitor ran a search (Recherche effectuée)",
        key="session_id",
    ),
    Topic(
        "search.index.updated",
        IndexUpdated,
        SOURCE,
        "A product's entry in the search index changed (Index mis à jour)",
        key="product_id",
    ),
)
