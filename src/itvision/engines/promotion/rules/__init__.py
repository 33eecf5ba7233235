"""The promotion rules: pure functions and small classes over plain data, no I/O.

- `carts`: a priced cart as the rules see it, and its lines' catalog scope.
- `offers`: what a promotion offers and to whom, and the checks of its definition.
- `discounts`, `allocation`: what one promotion takes off a cart; spreading it over lines.
- `evaluation`, `reasons`: conditions, stacking, and why a code is refused (French, English).
- `lifecycle`: when a campaign is live, and why it stopped.
"""
