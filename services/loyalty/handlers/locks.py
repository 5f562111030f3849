"""Per-customer locks in one process: concurrent commands on one account queue instead of conflicting in the DB."""
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class CustomerLocks:
    """Transactions on one hot document thrash on SecantusDB; serializing per account here keeps them few.

    The database's conditional updates still guard correctness across replicas; this only avoids the thrash.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, customer_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(customer_id, asyncio.Lock())
        self._users[customer_id] = self._users.get(customer_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[customer_id] -= 1
            if self._users[customer_id] == 0:  # nobody waits: forget it, so the map stays small
                del self._users[customer_id]
                del self._locks[customer_id]
