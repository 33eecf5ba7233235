"""Review engine (`review-engine`): ratings, comments and their moderation.
Its public contract is `events`."""

__all__: list[str] = []
