"""The inventory use cases, one module per group: `stock` (receipts, returns, adjustments,
counts), `items` (SKUs the catalog announces, their replenishment settings), `locations`,
`reservations` (held for a reference, released, sold, expired), `orders` (an order's life),
`reconciliation`. Each use case opens its own unit of work; `ledger` and `reservation_book`
are what they share inside it."""
