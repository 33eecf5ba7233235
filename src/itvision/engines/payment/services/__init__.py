"""The payment engine's use cases: `orders` (following an order's life), `payments` (paying
online), `notifications` (provider webhooks), `reconciliation`, `refunds`; `book` is what they
share inside a unit of work, `providers` the adapters of Wave, Orange Money and cash."""
