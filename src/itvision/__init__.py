"""IT Vision engines: the business backend of a West-African marketplace for IT products and
technician services."""
