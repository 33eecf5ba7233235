"""Pricing's reads. Each module offers queries `(on, …)` that open their own read session, and
the loaders `(session, …)` they share with the use cases, which read inside their unit of work:

- `items`: the SKUs pricing knows, and what a quote needs of them;
- `settings`: the settings of every scope, and the in-memory copy quotes use;
- `prices`: prices now, at a past moment, the history;
- `quotes`: quotes as they were given.
"""
