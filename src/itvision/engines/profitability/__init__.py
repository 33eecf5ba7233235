"""Profitability engine (`profitability-engine`): margins, costs, P&L per product.
Its public contract is `events`."""

__all__: list[str] = []
