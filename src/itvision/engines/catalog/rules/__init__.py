"""The catalog's business rules: pure functions and small classes over plain values, no I/O.

- `products`: SKUs, options, images, bounds and the invariants of a product;
- `categories`: slugs and the category tree (and the categories an import may create);
- `prices`: which calculated price is the latest;
- `violations`: every broken rule with a stable code and its message in French and English;
- `numbers`, `csv_format`: numbers as merchants type them, reading a CSV file into typed rows;
- `import_plan`: checking a file's rows against the catalog as it is, before anything is written;
- `rows`: catalog rows as plain values (for the rules) and as event payloads (for others).
"""
