"""tests/unit runs in memory: the in-memory fakes of tests/unit/fakes stand in for the stores, the outbox and the
transaction runner. The session fixtures of tests/conftest.py start SecantusDB (mongo_url) and reach RabbitMQ
(amqp_url) only for a test that asks for them, directly or through an app or client fixture; a unit test that does
is refused at collection, so the unit run never starts a database or touches the broker."""
from pathlib import Path

import pytest

UNIT = Path(__file__).parent
INFRASTRUCTURE = {"mongo_url", "amqp_url"}  # every service app, client and settings fixture depends on these


def pytest_collection_modifyitems(config, items):
    offenders = [item.nodeid for item in items
                 if UNIT in Path(item.path).parents and INFRASTRUCTURE & set(item.fixturenames)]
    if offenders:
        raise pytest.UsageError("unit tests use the in-memory fakes, not the database or the broker: "
                                + ", ".join(offenders))
