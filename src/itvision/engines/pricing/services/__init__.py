"""The pricing use cases, each in the unit of work it opens (or the consumer's):

- `catalog`: pricing's copy of the catalog, from its events;
- `repricing`: recompute prices, record them in the history and announce only what changed;
- `settings`: admins change the settings of a scope;
- `quotes`: quote a cart, keep the quote, follow tier crossings.
"""
