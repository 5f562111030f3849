"""Loyalty in the graph: programs, member accounts with ledger and rewards, points and redemption mutations."""
