"""The catalog's use cases, each in the unit of work it opens (or its consumer's):
`categories` (create, change, move), `products` (products, variants, views), `imports`
(spreadsheets), `prices` (the projection of calculated prices). `writer` holds the row writes
they share."""
