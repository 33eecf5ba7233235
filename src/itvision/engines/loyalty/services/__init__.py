"""The loyalty engine's use cases: `orders` (what an order's life does to the ledger),
`adjustments`, `expiry`, `tiers` (the yearly review), `programme` (earn rules, rewards,
profiles) and `products` (the catalog projection). `book.PointsBook` is what they share."""
