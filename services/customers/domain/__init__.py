"""Customer, order and timeline rules: pydantic models and pure functions, no I/O."""
