"""Fixtures of the reliability suite: our own RabbitMQ node, service processes, the burst size."""
import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.reliability.support")

from tests.reliability.support.broker import OwnBroker
from tests.reliability.support.stack import Stack


HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """The slow tests here (minutes each) run only when asked for with -m, e.g. `-m reliability`."""
    if config.option.markexpr:
        return
    skip = pytest.mark.skip(reason="slow reliability test: run with -m reliability (see tests/reliability/README.md)")
    for item in items:
        if "slow" in item.keywords and HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def own_broker():
    """A RabbitMQ node the tests may restart; never the machine's broker, which others share."""
    broker = OwnBroker()
    asyncio.run(broker.start())
    yield broker
    asyncio.run(broker.stop())
    shutil.rmtree(broker.base, ignore_errors=True)


@pytest.fixture
def burst_size() -> int:
    return int(os.environ.get("RELIABILITY_BURST", "10000"))


@pytest.fixture
async def stack(mongo_url, own_broker, isolation, request):
    """Service processes on our own broker with this test's exchange, queues and databases. Their logs go to a
    folder of our own (pytest's tmp_path may be pruned by another pytest session meanwhile), kept on failure."""
    log_dir = Path(tempfile.mkdtemp(prefix="reliability-logs-"))
    stack = Stack(mongo_url=mongo_url, amqp_url=own_broker.amqp_url, namespace=f"r{isolation}", log_dir=log_dir)
    yield stack
    await stack.close()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\nservice logs in {log_dir}:\n{stack.log_tails(40)}")
    else:
        shutil.rmtree(log_dir, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so a fixture can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
