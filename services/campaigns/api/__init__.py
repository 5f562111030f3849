"""HTTP routes of the campaigns service."""
