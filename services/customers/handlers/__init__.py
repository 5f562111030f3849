"""Use cases of the customers service: commands from the API and events from the broker."""
