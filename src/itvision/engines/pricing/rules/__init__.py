"""The pricing rules: pure functions and small classes over plain data, no I/O.

- `formula`: how a unit price is made (`FORMULA` says it, `unit_price` does it);
- `tiers`: quantity tiers, their validity and which one a quantity reaches;
- `scopes`: settings at three scopes and which one wins, the minimum-margin guard;
- `catalog`: how pricing names and files what the catalog sends it.
"""
