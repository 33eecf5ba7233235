"""Reads of the billing engine: invoices with their derived status, credit notes, quotes, the
public verification of a document, the catalog products a quote names, and the documents as
PDF files."""

from itvision.engines.billing.queries import (
    catalog,
    credit_notes,
    documents,
    invoices,
    quotes,
    verification,
)

__all__ = ["catalog", "credit_notes", "documents", "invoices", "quotes", "verification"]
