import pytest


@pytest.fixture
def service_env(service_env):
    """The plumbing tests run on quorum queues, as production does (the rest of the suite uses classic ones)."""
    return {**service_env, "queue_type": "quorum"}
