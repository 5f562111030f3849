"""Fuzzes every operation of one service's OpenAPI document with schemathesis and collects what fails.

Hypothesis runs in a worker thread (it is synchronous); each request goes back to the test's event loop through
tests.fuzz.loop_bridge, where the fixture's app runs. Every operation is tried with schema-valid (positive) and
schema-invalid (negative) data, and, where the service has a known resource for its path parameters (or a known
secret for its header parameters), with those too, so the handlers behind the 404 and 403 are reached. Failures
are collected per operation and reported together.
"""
import asyncio
import os

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz.loop_bridge import bridged_session
from tests.fuzz.openapi_checks import CHECKS
from tests.support.http import INTERNAL_HEADERS

# Modest by default so the module runs in a minute or two on two cores; FUZZ_EXAMPLES=500 to dig deeper.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, print_blob=False,
    # Same cases on every run, so CI failures reproduce; FUZZ_RANDOM=1 explores new ones.
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck))


async def load_schema(client: httpx.AsyncClient):
    document = (await client.get("/openapi.json")).json()
    return schemathesis.openapi.from_dict(document)


def _operations(schema) -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletes last, so the known resources stay there for every other operation.
    return sorted(operations, key=lambda op: op.method.upper() == "DELETE")


def _strategy(operation, known: dict[str, str]):
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    paths = {p.name: known[p.name] for p in operation.path_parameters if p.name in known}
    headers = {p.name: known[p.name] for p in operation.headers if p.name in known}
    if paths or headers:
        strategies += [operation.as_strategy(generation_mode=mode, path_parameters=paths, headers=headers)
                       for mode in GenerationMode]
    return st.one_of(strategies)


def _fuzz_operation(operation, known: dict[str, str], session, base_url: str) -> str | None:
    @FUZZ_SETTINGS
    @given(case=_strategy(operation, known))
    def run(case):
        case.call_and_validate(session=session, base_url=base_url, headers=INTERNAL_HEADERS, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a failed check, or several (FailureGroup): all reported
        return f"{operation.label}: {type(exc).__name__}\n{exc}"
    return None


async def fuzz_service(client: httpx.AsyncClient, known: dict[str, str]) -> list[str]:
    """Fuzzes every operation the service documents; returns one report per failing operation."""
    schema = await load_schema(client)
    session = bridged_session(client, asyncio.get_running_loop())
    base_url = str(client.base_url).rstrip("/")

    def run_all() -> list[str]:
        reports = (_fuzz_operation(op, known, session, base_url) for op in _operations(schema))
        return [report for report in reports if report]

    return await asyncio.to_thread(run_all)
