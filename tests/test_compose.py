"""docker-compose.yml and the Dockerfile describe the reference deployment; these checks need no Docker."""
import re
import secrets
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from shared.production import DEVELOPMENT_SECRETS, PLACEHOLDER_MARKER, UnsafeForProduction, require_safe_secrets
from tests.support.production import SETTINGS, production_secrets

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"customers": ("services.customers", 8001), "loyalty": ("services.loyalty", 8002),
            "campaigns": ("services.campaigns", 8003)}
GATEWAY_PORT = 8000
SINKS_MODULE = "devstack.sinks"
PROCESSES = (*SERVICES, "gateway", "sinks")
# `${NAME:?message}`: compose stops with the message when NAME is unset or empty (no default to fall back on).
REQUIRED = re.compile(r"^\$\{(?P<name>[A-Z][A-Z0-9_]*):\?(?P<message>[^}]+)\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env(service: dict) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def command(service: dict) -> str:
    raw = service.get("command", "")
    return " ".join(raw) if isinstance(raw, list) else raw


def healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def depends_on(service: dict) -> dict[str, str]:
    raw = service.get("depends_on") or {}
    assert isinstance(raw, dict), "depends_on needs the long form to carry conditions"
    return {name: spec.get("condition") for name, spec in raw.items()}


def test_every_process_and_its_infrastructure_is_there(services):
    assert set(services) == {"mongo", "rabbitmq", "sinks", "customers", "loyalty", "campaigns", "gateway"}


def test_mongo_is_a_single_node_replica_set_initiated_by_its_healthcheck(services):
    mongo = services["mongo"]
    assert mongo["image"] == "mongo:7"
    args = command(mongo).split()
    assert args[args.index("--replSet") + 1] == "rs0"
    assert "--bind_ip_all" in args
    check = healthcheck(mongo)
    assert "mongosh" in check and "rs.initiate" in check and "'rs0'" in check
    assert "mongo:27017" in check, "the member's host must be reachable from the other containers"


def test_rabbitmq_has_management_ports_and_a_ping_healthcheck(services):
    rabbitmq = services["rabbitmq"]
    assert rabbitmq["image"] == "rabbitmq:3-management"
    published = {str(p).split(":")[-1] for p in rabbitmq["ports"]}
    assert {"5672", "15672"} <= published
    assert healthcheck(rabbitmq).split()[-3:] == ["rabbitmq-diagnostics", "-q", "ping"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_services_run_their_module_against_mongo_and_rabbitmq(services, name):
    module, port = SERVICES[name]
    service = services[name]
    assert service["build"] == {"context": ".", "target": "app"}, "the production image, without the sinks"
    assert command(service).split()[-3:] == ["python", "-m", module]
    variables = env(service)
    assert variables["MONGO_URL"] == "mongodb://mongo:27017/?replicaSet=rs0"
    assert variables["MONGO_DATABASE"] == name
    amqp = urlparse(variables["AMQP_URL"])
    assert amqp.scheme == "amqp" and amqp.hostname == "rabbitmq" and amqp.port == 5672
    assert variables["EVENTS_EXCHANGE"] == "cms.events"
    assert variables["PORT"] == str(port) and variables["HOST"] == "0.0.0.0"
    assert f"127.0.0.1:{port}/readyz" in healthcheck(service)
    expected = {"mongo": "service_healthy", "rabbitmq": "service_healthy"}
    if name == "campaigns":  # it delivers through the sinks
        expected["sinks"] = "service_healthy"
    assert depends_on(service) == expected


def test_rabbitmq_credentials_match_what_the_services_use(services):
    broker = env(services["rabbitmq"])
    password = REQUIRED.match(broker["RABBITMQ_DEFAULT_PASS"])
    assert password, "the broker's password comes from the environment, with no default"
    for name in (*SERVICES, "gateway"):
        amqp = urlparse(env(services[name])["AMQP_URL"])
        # Checked once where the broker gets it; the URL may only refer to the same variable.
        assert (amqp.username, amqp.password) == (broker["RABBITMQ_DEFAULT_USER"], f"${{{password['name']}}}")


def test_rabbitmq_is_reachable_from_this_host_only(services):
    for port in services["rabbitmq"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), port


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_services_can_scale(services, name):
    service = services[name]
    assert "container_name" not in service
    assert "ports" not in service, "a fixed host port allows one replica only"


def test_gateway_is_published_and_finds_the_services(services):
    gateway = services["gateway"]
    assert "container_name" not in gateway
    assert command(gateway).split()[-3:] == ["python", "-m", "gateway"]
    assert [str(p) for p in gateway["ports"]] == [f"{GATEWAY_PORT}:{GATEWAY_PORT}"]
    variables = env(gateway)
    assert variables["PORT"] == str(GATEWAY_PORT) and variables["HOST"] == "0.0.0.0"
    for name, (_, port) in SERVICES.items():
        assert variables[f"{name.upper()}_URL"] == f"http://{name}:{port}"
    assert f"127.0.0.1:{GATEWAY_PORT}/readyz" in healthcheck(gateway)
    assert depends_on(gateway) == {name: "service_healthy" for name in SERVICES}


def test_sinks_run_from_the_dev_tools_image_listening_for_the_other_containers(services):
    sinks = services["sinks"]
    assert sinks["build"] == {"context": ".", "target": "devtools"}
    assert command(sinks).split()[-3:] == ["python", "-m", SINKS_MODULE]
    variables = env(sinks)
    assert variables["SINK_HOST"] == "0.0.0.0", "on 127.0.0.1 the campaigns container could not reach it"
    assert variables["SINK_AUTO_DELIVER"] == "true"
    campaigns = urlparse(variables["SINK_CAMPAIGNS_URL"])
    assert (campaigns.hostname, campaigns.port) == ("campaigns", SERVICES["campaigns"][1])
    assert {str(p) for p in sinks["expose"]} == {variables["SINK_SMTP_PORT"], variables["SINK_HTTP_PORT"]}
    assert "ports" not in sinks, "nothing outside the compose network sends mail through it"
    assert "mongo" not in (sinks.get("depends_on") or {}), "it keeps no data"
    # It has no /readyz; its HTTP port answers once the SMTP sink listens.
    assert f"127.0.0.1:{variables['SINK_HTTP_PORT']}/" in healthcheck(sinks)


def test_campaigns_delivers_through_the_sinks_and_they_call_it_back(services):
    sinks, campaigns = env(services["sinks"]), env(services["campaigns"])
    assert campaigns["SMTP_HOST"] == "sinks"
    assert campaigns["SMTP_PORT"] == sinks["SINK_SMTP_PORT"]
    assert campaigns["SMTP_TLS"] == "none"
    sms = urlparse(campaigns["SMS_URL"])
    assert (sms.scheme, sms.hostname, str(sms.port)) == ("http", "sinks", sinks["SINK_HTTP_PORT"])
    assert campaigns["WEBHOOK_SECRET"] == sinks["SINK_WEBHOOK_SECRET"], "the sinks' callbacks would be refused"
    assert campaigns["TWILIO_AUTH_TOKEN"] == sinks["SINK_AUTH_TOKEN"], "the sinks would refuse campaigns' SMS"
    # SMS status callbacks go to PUBLIC_URL, so the sinks container must be able to reach it by default: the
    # gateway, which passes the public paths on to campaigns.
    public = urlparse(campaigns["PUBLIC_URL"].removeprefix("${PUBLIC_URL:-").removesuffix("}"))
    assert (public.hostname, public.port) == ("gateway", GATEWAY_PORT)
    customers = urlparse(campaigns["CUSTOMERS_URL"])
    assert (customers.hostname, customers.port) == ("customers", SERVICES["customers"][1])


def test_every_healthcheck_retries(services):
    for name, service in services.items():
        assert service["healthcheck"].get("retries", 0) >= 3, name


def test_dockerfile_builds_a_slim_image_that_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line.strip() for line in dockerfile.splitlines() if line.strip() and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim AS app"
    assert re.search(r"pip install \.(\s|$)", dockerfile)
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    # The production stage copies only the platform's packages; the dev sinks come in the devtools stage.
    app_stage = dockerfile.split("FROM app AS devtools")[0]
    copied = {line.split()[1] for line in app_stage.splitlines() if line.startswith("COPY ")}
    assert copied == {"pyproject.toml", "shared", "services", "gateway"}
    assert "COPY --chown=app devstack ./devstack" in dockerfile.split("FROM app AS devtools")[1]


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".git"} <= set(ignored)


@pytest.mark.parametrize("name", PROCESSES)
def test_every_process_runs_in_production(services, name):
    assert env(services[name])["ENVIRONMENT"] == "production"


@pytest.mark.parametrize("name", PROCESSES)
def test_every_secret_a_process_checks_is_required_from_the_environment(services, name):
    variables = env(services[name])
    for variable in production_secrets(name):
        required = REQUIRED.match(variables.get(variable, ""))
        assert required, f"{name}: {variable} must read ${{NAME:?message}}, not {variables.get(variable)!r}"
        assert required["name"] in required["message"] and "Production secrets" in required["message"]


def test_no_secret_has_a_default_or_a_development_value():
    text = (ROOT / "docker-compose.yml").read_text()
    defaults = re.findall(r"\$\{(\w*(?:SECRET|TOKEN|PASSWORD|KEY)\w*)(?::?[-+])", text)
    assert defaults == [], f"secrets with a fallback: {defaults}"
    assert PLACEHOLDER_MARKER not in text.lower()
    assert not [value for value in DEVELOPMENT_SECRETS if value in text]


def interpolate(value: str, environment: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}` (what this file uses)."""
    def one(match: re.Match) -> str:
        name, operator, operand = match["name"], match["operator"], match["operand"]
        if environment.get(name):
            return environment[name]
        if operator == ":?":
            raise LookupError(operand)
        return operand or ""
    return re.sub(r"\$\{(?P<name>\w+)(?:(?P<operator>:[-?])(?P<operand>[^}]*))?\}", one, value)


@pytest.mark.parametrize("name", PROCESSES)
def test_what_compose_gives_a_process_passes_its_production_check(services, name, monkeypatch):
    needed = {REQUIRED.match(v)["name"] for s in services.values() for v in env(s).values() if REQUIRED.match(v)}
    generated = {variable: secrets.token_urlsafe(48) for variable in needed}
    for variable in (*production_secrets(name), *generated):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env(services[name]).items():
        monkeypatch.setenv(variable, interpolate(value, generated))
    require_safe_secrets(SETTINGS[name]())  # raises UnsafeForProduction naming the variable
    with pytest.raises(LookupError, match="Production secrets"):
        [interpolate(value, {}) for value in env(services[name]).values()]


def test_the_production_check_would_refuse_the_old_compose_defaults(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_TOKEN", "dev-internal-token-change-me")
    with pytest.raises(UnsafeForProduction) as refused:
        require_safe_secrets(SETTINGS["customers"]())
    assert refused.value.problems == ["INTERNAL_TOKEN: a known development value"]
