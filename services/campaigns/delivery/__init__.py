"""Adapters to the outside: SMTP for email, a provider's HTTP API for SMS, and a rate limiter."""
