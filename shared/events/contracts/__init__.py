"""Every event the services exchange, by domain. Importing this package registers them all.

Each domain keeps its events in its own module; change additively, a breaking change is a new VERSION.
"""
from shared.events.contracts.campaigns import *  # noqa: F401,F403
from shared.events.contracts.core import *  # noqa: F401,F403  customers, orders, loyalty
from shared.events.contracts.segments import *  # noqa: F401,F403
