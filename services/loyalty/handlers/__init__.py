"""Use cases of the loyalty service: commands from the API and events from the broker."""
