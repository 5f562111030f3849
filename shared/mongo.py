"""MongoDB client factory and a transaction runner with bounded retries."""
import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError, ServerSelectionTimeoutError

T = TypeVar("T")


def create_client(url: str) -> AsyncMongoClient:
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000)


async def ping(client: AsyncMongoClient, timeout: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except (PyMongoError, asyncio.TimeoutError, OSError):
        return False


def _is_retryable(exc: PyMongoError) -> bool:
    # No server for a whole selection timeout means the database is down, not contended: retrying would make the
    # caller wait attempts x timeout (8 x 3 s) for the same 503.
    if isinstance(exc, ServerSelectionTimeoutError):
        return False
    return exc.has_error_label("TransientTransactionError") or exc.has_error_label("UnknownTransactionCommitResult")


async def run_in_transaction(
    client: AsyncMongoClient, work: Callable[[AsyncClientSession], Awaitable[T]], *, attempts: int = 8
) -> T:
    """Runs work(session) in one transaction; write conflicts are retried with jittered backoff, at most `attempts`
    times.

    Bounded ourselves rather than with_transaction's 120 s, so contention surfaces as an error, not a hang.
    """
    for attempt in range(1, attempts + 1):
        async with client.start_session() as session:
            try:
                async with await session.start_transaction():
                    result = await work(session)
                return result
            except PyMongoError as exc:
                if attempt == attempts or not _is_retryable(exc):
                    raise
        await asyncio.sleep(min(0.5, 0.01 * 2 ** attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")
