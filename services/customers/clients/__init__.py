"""HTTP clients of other services."""
