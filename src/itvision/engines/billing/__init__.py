"""Billing engine (`billing-engine`): quotes, invoices, credit notes.
Its public contract is `events`."""
