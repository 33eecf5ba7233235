"""The promotion engine's use cases: `verb_noun(on, command)`, each in the unit of work it
opens (or the consumer's, when it is given one).

- `campaigns`: staff's create / update / activate / deactivate, and the announcements of
  campaigns starting and ending (`announce_due_campaigns` is the `promotion-tick` job).
- `usages`: codes reserved, redeemed and released as orders are placed, paid, cancelled.
- `products`: our projection of the catalog (category path, brand).
"""
