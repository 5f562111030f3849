"""Event contracts: one versioned envelope and a typed payload per event."""
from shared.events import contracts
from shared.events.envelope import Envelope, Event, UnknownEvent, parse_event

__all__ = ["Envelope", "Event", "UnknownEvent", "parse_event", "contracts"]
