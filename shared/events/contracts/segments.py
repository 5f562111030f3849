"""Segment events (owned by the customers service)."""
