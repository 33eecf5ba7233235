"""The business engines; each package owns its tables and speaks through its `events`."""
