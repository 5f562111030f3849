"""Campaign events (owned by the campaigns service)."""
