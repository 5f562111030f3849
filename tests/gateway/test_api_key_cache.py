"""The API key cache is bounded, keeps no unknown ids, and lets a revocation through once its time-to-live passes.

Database reads are counted with pymongo's command monitoring; the cache's clock is one the test moves.
"""
import secrets

import pytest
from pydantic import ValidationError
from pymongo import AsyncMongoClient, monitoring

from gateway.auth.api_keys import ApiKeyStore
from gateway.auth.roles import Role
from gateway.settings import GatewaySettings


class KeyReads(monitoring.CommandListener):
    """Counts the `find` commands sent to the api_keys collection."""

    def __init__(self):
        self.count = 0

    def started(self, event):
        if event.command_name == "find" and event.command.get("find") == "api_keys":
            self.count += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def reads():
    return KeyReads()


@pytest.fixture
async def collection(mongo_url, isolation, reads):
    client = AsyncMongoClient(mongo_url, tz_aware=True, event_listeners=[reads])
    yield client[f"gateway_cache_{isolation}"]["api_keys"]
    await client.drop_database(f"gateway_cache_{isolation}")
    await client.close()


async def new_keys(store: ApiKeyStore, count: int) -> list[str]:
    return [(await store.create(f"key {n}", Role.viewer, "test"))[1] for n in range(count)]


async def test_the_cache_never_holds_more_than_its_size_and_drops_the_least_recently_used(collection, reads):
    store = ApiKeyStore(collection, cache_seconds=60, cache_size=5, clock=Clock())
    keys = await new_keys(store, 20)

    for key in keys:
        assert (await store.verify(key)) is not None
        assert len(store._cache) <= 5
    assert reads.count == 20

    await store.verify(keys[-1])  # among the five most recent: answered from memory
    assert reads.count == 20
    await store.verify(keys[0])  # pushed out long ago: read again
    assert reads.count == 21
    assert len(store._cache) == 5


async def test_unknown_key_ids_are_never_cached(collection, reads):
    store = ApiKeyStore(collection, cache_seconds=60, cache_size=5, clock=Clock())
    [real] = await new_keys(store, 1)
    assert await store.verify(real) is not None

    made_up = [f"cmsk_{secrets.token_hex(8)}_{secrets.token_urlsafe(16)}" for _ in range(50)]
    for key in made_up:
        assert await store.verify(key) is None
    assert await store.verify(made_up[0]) is None

    assert len(store._cache) == 1  # only the real key; the made-up ones pushed nothing out
    assert reads.count == 1 + 51  # every made-up id was asked of the database, the second try too
    await store.verify(real)
    assert reads.count == 52


async def test_a_key_revoked_on_another_gateway_is_refused_once_the_ttl_passes(collection):
    clock = Clock()
    here = ApiKeyStore(collection, cache_seconds=30, cache_size=10, clock=clock)
    other = ApiKeyStore(collection, cache_seconds=30, cache_size=10, clock=clock)
    record, key = await here.create("ERP", Role.support, "test")
    assert await other.verify(key) is not None

    await here.revoke(record["_id"])
    assert await here.verify(key) is None  # immediate on the gateway that revoked it
    clock.now += 29
    assert await other.verify(key) is not None  # the documented revocation delay
    clock.now += 2
    assert await other.verify(key) is None


async def test_a_zero_ttl_reads_the_key_on_every_use(collection, reads):
    store = ApiKeyStore(collection, cache_seconds=0, cache_size=10, clock=Clock())
    [key] = await new_keys(store, 1)
    for _ in range(3):
        assert await store.verify(key) is not None
    assert reads.count == 3


def test_the_cache_size_must_be_positive():
    with pytest.raises(ValidationError, match="api_key_cache_size"):
        GatewaySettings(api_key_cache_size=0)
    assert GatewaySettings(api_key_cache_size=3).api_key_cache_size == 3
