"""Use cases of the campaigns service: commands from the API and events from the broker."""
