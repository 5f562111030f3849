"""Loyalty rules: pydantic models and pure functions, no I/O."""
