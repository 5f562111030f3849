"""Schemathesis against every service's OpenAPI document: no 5xx, no leaked internals, documented bodies.

The apps are the conftest fixtures' (async, function-scoped, their clients bound to pytest-asyncio's loop), so
schemathesis' own pytest integration and its ASGI transport (which starts the app again in a thread of its own)
don't fit. Instead one async test per service loads the document the app serves, runs Hypothesis over every
operation in a worker thread, and sends each case back to the fixture's app on this loop
(tests.fuzz.openapi_runner, tests.fuzz.loop_bridge). Cases are derandomized, so a CI failure reproduces;
FUZZ_EXAMPLES (default 20 per operation) digs deeper, FUZZ_RANDOM=1 explores new cases.
"""
from tests.fuzz.known_resources import (
    campaigns_resources,
    customers_resources,
    loyalty_resources,
    provider_signed_client,
)
from tests.fuzz.openapi_runner import fuzz_service


def _report(failures: list[str]) -> str:
    return f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)


async def test_customers_api_survives_fuzzing(api):
    failures = await fuzz_service(api, await customers_resources(api))
    assert not failures, _report(failures)


async def test_loyalty_api_survives_fuzzing(loyalty_api, loyalty_app, customers_app):
    """customers_app: loyalty asks it about ids it has not heard of (404 there is 404 here, not a 503)."""
    failures = await fuzz_service(loyalty_api, await loyalty_resources(loyalty_api, loyalty_app))
    assert not failures, _report(failures)


async def test_campaigns_api_survives_fuzzing(campaigns_api, campaigns_app, campaigns_settings):
    known = await campaigns_resources(campaigns_api)
    async with provider_signed_client(campaigns_app, campaigns_settings) as client:
        failures = await fuzz_service(client, known)
    assert not failures, _report(failures)
