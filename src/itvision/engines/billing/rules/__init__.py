"""The billing rules, pure functions over plain data: amounts (VAT, formatting, quote totals,
what a credit note may take), amounts in words, document numbers, the states of quotes and
invoices, and what a document says (`documents`)."""
