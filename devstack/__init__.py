"""Local run: starts the database, the broker, every service and the gateway, and loads demo data."""
