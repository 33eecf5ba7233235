"""The shipping use cases: the delivery network (`network`: zones, their places and rates,
stores), the orders shipping follows (`orders`), and shipments (`shipments`)."""
