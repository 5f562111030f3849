"""The audit trail: one append-only record per mutation, who did what to which ids, from where, and how it ended."""
