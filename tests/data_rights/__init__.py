"""Issue 13: data rights (consent, export, erasure, import/export, merge) against the real services."""
