"""Local simulators of the payment providers' documented contracts, for tests and for a demo
on one machine: Wave's Checkout API and webhooks (`wave`), Orange Money's Web Payment API and
notifications (`orange_money`). Each is a FastAPI app with the provider's paths, fields,
status codes, errors and expiry, a small page where a person approves or declines a payment,
and a control API (`/_simulator/…`) tests use to do the same; `auto_approve` pays at once
(benchmarks). `server` runs them in-process; `itvision simulators` runs them on local ports.

Nothing in the engines knows these exist: the adapters are pointed at them by their base URL.
"""
