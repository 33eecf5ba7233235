"""The billing use cases: `orders` (the projection of placed orders, cancellations),
`invoices` (an invoice per confirmed order, payments, overdue notices), `credits` (credit
notes for refunds), `quotes` (create, accept). What they share inside their unit of work:
`numbering.DocumentNumbers` (gapless numbers) and `credit_notes.CreditNoteBook`."""
