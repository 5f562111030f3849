"""Runs every operation in docs/examples, in file order, against the gateway wired to the three real services.

Each example must return data without errors and hold its `# expect:` lines; an example with `# eventually:` lines
(its effect arrives through events) is re-run until all its lines hold. Variables come from the sibling
`<name>.variables.json`; there and in expected values, a string `"$from:<example>.<path>"` stands for a value
from an earlier example's data.
"""
import json
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.campaigns.app import create_app as create_campaigns_app
from tests.campaigns.conftest import campaigns_settings, delete_work_queue, sinks  # noqa: F401  (fixtures: real local SMTP sink and SMS provider)
from tests.conftest import eventually, running
from tests.loyalty.support import consuming

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
REFERENCE = re.compile(r"^\$from:([\w-]+)\.(.+)$")
EXPECT = re.compile(r"^#\s*(expect|eventually):\s*(\S+)\s*==\s*(.+)$")


@dataclass
class Example:
    name: str
    query: str
    variables: dict
    checks: list[tuple[str, object]]  # (dotted path in data, expected JSON value)
    eventually: bool
    spec: str

    @classmethod
    def load(cls, path: Path) -> "Example":
        text = path.read_text()
        header = [line.strip() for line in text.splitlines() if line.startswith("#")]
        found = [EXPECT.match(line) for line in header]
        variables_file = path.with_suffix(".variables.json")
        spec = next((line.split(":", 1)[1].strip() for line in header if line.startswith("# Spec:")), "")
        return cls(name=path.stem, query=text,
                   variables=json.loads(variables_file.read_text()) if variables_file.exists() else {},
                   checks=[(m.group(2), json.loads(m.group(3))) for m in found if m],
                   eventually=any(m and m.group(1) == "eventually" for m in found), spec=spec)


def all_examples() -> list[Example]:
    return [Example.load(path) for path in sorted(EXAMPLES.glob("*.graphql"))]


def at(data, path: str):
    """`customers.edges.0.node.id`: keys, and list indexes as numbers."""
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def resolve(value, results: dict[str, dict]):
    """Replaces every "$from:<example>.<path>" string, at any depth, by that value of the example's data."""
    if isinstance(value, dict):
        return {key: resolve(item, results) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(item, results) for item in value]
    if isinstance(value, str) and (ref := REFERENCE.match(value)):
        return at(results[ref.group(1)], ref.group(2))
    return value


def test_every_example_names_its_spec_use_case_checks_a_value_and_is_listed():
    examples = all_examples()
    assert len(examples) >= 20
    readme = (EXAMPLES / "README.md").read_text()
    for example in examples:
        assert example.spec, f"{example.name}: no '# Spec:' line"
        assert example.checks, f"{example.name}: no '# expect:' or '# eventually:' line"
        assert f"{example.name}.graphql" in readme, f"{example.name} is not listed in docs/examples/README.md"
    for orphan in EXAMPLES.glob("*.variables.json"):
        assert orphan.name.replace(".variables.json", ".graphql") in {f"{e.name}.graphql" for e in examples}


@pytest.fixture
async def campaigns_app(campaigns_settings, customers_app, sinks, amqp_url):
    """Campaigns resolving `targetSegment` through the real customers service (the spec's new_customers)."""
    app = create_campaigns_app(campaigns_settings, customers_transport=httpx.ASGITransport(app=customers_app))
    sinks.callbacks.app = app
    async with running(app):
        yield app
    await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)


async def test_every_example_runs_in_order_and_returns_its_expected_values(
        graphql, customers_app, loyalty_app, campaigns_app, loyalty_api, sinks):
    await consuming(customers_app, loyalty_app, campaigns_app)

    async def known_everywhere(customer_id: str) -> None:
        """Loyalty and campaigns learn of a new customer from events; later examples credit and message them."""
        async def known() -> bool:
            in_loyalty = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).status_code == 200
            return in_loyalty and await campaigns_app.state.deps.recipients.get(customer_id) is not None
        await eventually(known, what=f"loyalty and campaigns to learn of customer {customer_id}")

    results: dict[str, dict] = {}
    for example in all_examples():
        variables, checks = resolve(example.variables, results), resolve(example.checks, results)
        seen: dict = {}

        async def holds(example=example, variables=variables, checks=checks, seen=seen) -> bool:
            seen["result"] = result = await graphql(example.query, **variables)
            assert not result.get("errors"), f"{example.name}: {result.get('errors')}"
            return all(_get(result["data"], path) == value for path, value in checks)

        if example.eventually:
            await eventually(holds, timeout=30, what=f"{example.name}: {checks} (last: {seen})")
        else:
            assert await holds(), f"{example.name}: expected {checks}, got {seen['result']['data']}"
        results[example.name] = seen["result"]["data"]
        if "createCustomer" in results[example.name]:
            await known_everywhere(results[example.name]["createCustomer"]["id"])
    assert sinks.mail.mails(), "the campaign example sent no mail"


def _get(data, path: str):
    try:
        return at(data, path)
    except (KeyError, IndexError, TypeError, ValueError):
        return KeyError(path)  # never equal to an expected JSON value
