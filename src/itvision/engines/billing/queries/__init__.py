"""Reads of the billing engine: invoices with their derived status, credit notes, quotes, the
public verification of a document, and the documents as PDF files. (The catalog products a
quote names are read through the catalog's facade, `get_skus`.)"""

from itvision.engines.billing.queries import (
    credit_notes,
    documents,
    invoices,
    quotes,
    verification,
)

__all__ = ["credit_notes", "documents", "invoices", "quotes", "verification"]
