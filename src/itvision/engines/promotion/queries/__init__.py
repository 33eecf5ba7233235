"""The promotion engine's reads: `queries(on, …)` for routes and the facade, and the
session-level reads the use cases share (`offers_for`, `usage_counts`, `evaluation_at`…).

- `promotions`: promotions as staff read them, running sales, the offers a cart meets.
- `usages`: usage counts and summaries, and the usages listed.
- `carts`: a cart's evaluation, with our catalog projection's scope of its lines.
"""
