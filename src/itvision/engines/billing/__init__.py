"""Billing engine (`billing-engine`): quotes, invoices, credit notes.
Its public contract is `events`."""

__all__: list[str] = []
