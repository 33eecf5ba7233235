"""The order engine's business rules, pure functions over plain values (no I/O):
`lifecycle` (the guarded state machine and how an order advances on what the saga said),
`totals` (a cart's and an order's amounts, VAT included), `refunds` (what a return gives back),
`quotes` (an accepted quote as order lines), `timeline` (what each step says, in French)."""
