"""The shipping engine's business rules, pure functions over plain values (no I/O): which zone
serves an address (`zones`), what a parcel costs there (`fees`), which status a shipment may
take next (`shipments`)."""
