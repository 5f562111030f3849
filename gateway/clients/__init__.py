"""Typed HTTP clients, one per service, over one pooled httpx client."""
