"""Bench: a page of 50 customers with their loyalty through the gateway vs the same two calls made directly."""
