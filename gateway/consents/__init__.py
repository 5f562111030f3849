"""The consent ledger in the graph: `Customer.consents` and `recordConsent` (docs/data-rights.md, Consent with
proof)."""
