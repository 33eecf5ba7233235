"""Reads of the shipping engine: zones, rates and stores (`network`), fee quotes (`fees`),
shipments and their history (`shipments`). Nothing here changes state."""
