"""What every service shares: event contracts, outbox, idempotent consumer, bus, Mongo and settings helpers, errors."""
