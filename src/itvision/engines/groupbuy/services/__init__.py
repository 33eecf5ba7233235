"""The group-buy use cases: `groups` (open a group, move groups along at their deadline) and
`participations` (join, leave, what payment says of a participation's money)."""
