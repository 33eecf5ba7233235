"""The notification engine's rules: which channels a message goes by (`delivery`) and what it
says (`templates`). Pure functions over plain data."""
