"""The payment engine's rules: pure functions over plain data, no I/O.

- `states`: when an order may be paid, and what a provider's outcome does to a payment;
- `money`: the fee a provider keeps, and how a refund is paid back;
- `webhooks`: whether a Wave signature or an Orange Money notification proves itself, and
  whether what it says matches the payment.
"""
