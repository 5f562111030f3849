"""Fixtures of the reliability suite: our own RabbitMQ node, service processes, the burst size."""
import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.reliability.support")

from tests.reliability.support.broker import OwnBroker  # noqa: E402  (after the assert rewrite above)
from tests.reliability.support.stack import Stack  # noqa: E402

# The full bursts take ~28 min on our 2-core machines; the plain suite (and so CI) runs the same tests on small
# bursts. `-m reliability` (the suite's own command) or RELIABILITY_BURST asks for more.
FULL_BURST = 10_000
QUICK_BURST = 300


@pytest.fixture(scope="session")
def own_broker():
    """A RabbitMQ node the tests may restart; never the machine's broker, which others share."""
    broker = OwnBroker()
    asyncio.run(broker.start())
    yield broker
    asyncio.run(broker.stop())
    shutil.rmtree(broker.base, ignore_errors=True)


@pytest.fixture
def burst_size(request) -> int:
    if os.environ.get("RELIABILITY_BURST"):
        return int(os.environ["RELIABILITY_BURST"])
    return FULL_BURST if request.config.option.markexpr else QUICK_BURST


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
