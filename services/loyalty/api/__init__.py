"""HTTP routes of the loyalty service."""
