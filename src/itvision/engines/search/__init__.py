"""Search engine (`search-engine`): full-text search, filters, facets and the search index.
Its public contract is `events`."""

__all__: list[str] = []
