"""Production mode: every process refuses to start, naming each unfit secret and never printing it, before it binds
a port or connects anywhere; with fit secrets it starts."""
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from devstack.infra import free_port
from services.campaigns.settings import CampaignsSettings
from services.customers.settings import CustomersSettings
from shared.production import (
    DEVELOPMENT_SECRETS,
    SecretInUse,
    UnsafeForProduction,
    load_settings,
    require_safe_secrets,
    unsafe_secrets,
)

ROOT = Path(__file__).resolve().parents[2]
DEV_INTERNAL = "dev-internal-token-change-me"
DEV_JWT = "dev-only-secret-change-me-before-production"
SHORT = "sixteen-chars-ok-but-short"  # passes INTERNAL_TOKEN's 16-character floor, not production's 32 bytes


def fit() -> str:
    return secrets.token_urlsafe(48)


def run(module: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python -m module` with only `env` (and PATH): nothing from the test run's environment leaks in."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1", **env})


# module, environment given, the lines expected on stderr, the values that must never be printed
REFUSALS = [
    ("services.customers", {"INTERNAL_TOKEN": DEV_INTERNAL}, ["INTERNAL_TOKEN: a known development value"],
     [DEV_INTERNAL]),
    ("services.loyalty", {"INTERNAL_TOKEN": SHORT}, ["INTERNAL_TOKEN: shorter than 32 bytes"], [SHORT]),
    ("services.campaigns", {"INTERNAL_TOKEN": fit(), "TRACKING_SECRET": "dev-tracking-secret", "WEBHOOK_SECRET": "",
                            "TWILIO_AUTH_TOKEN": fit()},
     ["TRACKING_SECRET: a known development value", "WEBHOOK_SECRET: missing"], ["dev-tracking-secret"]),
    ("gateway", {"INTERNAL_TOKEN": DEV_INTERNAL, "DEV_TOKENS": "true", "JWT_SECRET": DEV_JWT},
     ["INTERNAL_TOKEN: a known development value", "JWT_SECRET: a known development value"], [DEV_INTERNAL, DEV_JWT]),
    ("gateway", {"INTERNAL_TOKEN": SHORT + "-x", "DEV_TOKENS": "true", "JWT_SECRET": ""},
     ["INTERNAL_TOKEN: shorter than 32 bytes", "JWT_SECRET: missing"], [SHORT]),
    ("devstack.sinks", {"SINK_WEBHOOK_SECRET": "dev-webhook-secret", "SINK_AUTH_TOKEN": fit()},
     ["SINK_WEBHOOK_SECRET: a known development value"], ["dev-webhook-secret"]),
]


@pytest.fixture
def listener():
    """A port that counts connections: the refused process is pointed at it for everything it could reach."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


@pytest.mark.parametrize("module, env, lines, values", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_production_process_with_unfit_secrets_refuses_to_start(module, env, lines, values, listener):
    port = listener.getsockname()[1]
    reachable = {"MONGO_URL": f"mongodb://127.0.0.1:{port}/", "AMQP_URL": f"amqp://guest:guest@127.0.0.1:{port}/",
                 "CUSTOMERS_URL": f"http://127.0.0.1:{port}", "SINK_CAMPAIGNS_URL": f"http://127.0.0.1:{port}",
                 "PORT": str(port), "SINK_HTTP_PORT": str(port), "SINK_SMTP_PORT": str(port)}
    done = run(module, {"ENVIRONMENT": "production", **reachable, **env})
    assert done.returncode == 2, done.stderr
    problems = done.stderr.strip().splitlines()[1:]
    assert problems == lines
    for value in values:
        assert value not in done.stdout + done.stderr
    with pytest.raises(BlockingIOError):  # nothing connected: the check ran before any client or server
        listener.accept()
    assert "address already in use" not in done.stderr.lower()


def test_an_unknown_environment_is_a_settings_error_naming_the_variable():
    done = run("services.customers", {"ENVIRONMENT": "staging"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["invalid settings:",
                                        "ENVIRONMENT: Input should be 'development' or 'production'"]
    sinks = run("devstack.sinks", {"ENVIRONMENT": "prod"})
    assert sinks.returncode == 2 and "ENVIRONMENT: Input should be" in sinks.stderr


def test_a_settings_error_does_not_print_the_secret_it_is_about():
    done = run("services.customers", {"INTERNAL_TOKEN": "tiny-secret"})
    assert done.returncode == 2
    assert "INTERNAL_TOKEN:" in done.stderr and "tiny-secret" not in done.stderr


def test_the_token_command_refuses_in_production_and_names_the_switch():
    refused = run("gateway.auth", {"ENVIRONMENT": "production"}, "token")
    assert refused.returncode != 0 and refused.stdout == ""
    assert refused.stderr.startswith("DEV_TOKENS: development tokens are off in production")
    weak = run("gateway.auth", {"ENVIRONMENT": "production", "DEV_TOKENS": "true", "JWT_SECRET": DEV_JWT}, "token")
    assert weak.returncode != 0 and weak.stdout == ""
    assert "JWT_SECRET: a known development value" in weak.stderr and DEV_JWT not in weak.stderr
    allowed = run("gateway.auth", {"ENVIRONMENT": "production", "DEV_TOKENS": "true", "JWT_SECRET": fit()}, "token")
    assert allowed.returncode == 0 and allowed.stdout.count(".") == 2, allowed.stderr  # a JWT


def test_with_fit_secrets_a_production_process_starts():
    http_port, smtp_port = free_port(), free_port()
    env = {"ENVIRONMENT": "production", "SINK_HOST": "127.0.0.1", "SINK_HTTP_PORT": str(http_port),
           "SINK_SMTP_PORT": str(smtp_port), "SINK_WEBHOOK_SECRET": fit(), "SINK_AUTH_TOKEN": fit()}
    process = subprocess.Popen([sys.executable, "-m", "devstack.sinks"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={"PATH": os.environ["PATH"], **env})
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                if httpx.get(f"http://127.0.0.1:{http_port}/stats", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the sinks did not start"
            time.sleep(0.1)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert env["SINK_WEBHOOK_SECRET"] not in out + err and env["SINK_AUTH_TOKEN"] not in out + err


# The check itself, as create_app-level code and tests call it.

def test_each_problem_is_one_line_naming_the_variable():
    problems = unsafe_secrets([SecretInUse("A", None), SecretInUse("B", SecretStr("  ")),
                               SecretInUse("C", SecretStr("x" * 31)), SecretInUse("D", SecretStr("x" * 32)),
                               SecretInUse("E", SecretStr("dev-tracking-secret")),
                               SecretInUse("F", SecretStr("please-change-me-" + "x" * 32))])
    assert problems == ["A: missing", "B: missing", "C: shorter than 32 bytes", "E: a known development value",
                        "F: a known development value"]


def test_length_counts_bytes_and_provider_credentials_keep_their_own_length():
    assert unsafe_secrets([SecretInUse("T", SecretStr("é" * 16))]) == []  # 32 bytes in UTF-8
    assert unsafe_secrets([SecretInUse("SMTP_PASSWORD", SecretStr("short-pass"), generated=False)]) == []
    assert unsafe_secrets([SecretInUse("SMTP_PASSWORD", SecretStr("dev-webhook-secret"), generated=False)]) == [
        "SMTP_PASSWORD: a known development value"]


def test_every_default_secret_of_every_process_is_a_known_development_value():
    from tests.support.production import SETTINGS
    for name, settings_class in SETTINGS.items():
        for field, info in settings_class.model_fields.items():
            if isinstance(info.default, SecretStr):
                assert info.default.get_secret_value() in DEVELOPMENT_SECRETS, (name, field)


def test_development_ignores_the_check_and_production_applies_it():
    require_safe_secrets(CustomersSettings())  # the development defaults are fine in development
    with pytest.raises(UnsafeForProduction) as refused:
        require_safe_secrets(CustomersSettings(environment="production"))
    assert refused.value.problems == ["INTERNAL_TOKEN: a known development value"]
    assert DEV_INTERNAL not in str(refused.value)
    good = {"internal_token": fit(), "tracking_secret": fit(), "webhook_secret": fit(), "twilio_auth_token": fit()}
    require_safe_secrets(CampaignsSettings(environment="production", **good))


def test_create_app_refuses_unfit_production_settings_too():
    from gateway.app import create_app as create_gateway
    from gateway.settings import GatewaySettings
    from services.customers.app import create_app as create_customers

    with pytest.raises(UnsafeForProduction, match="INTERNAL_TOKEN"):
        create_customers(CustomersSettings(environment="production", internal_token=SHORT))
    with pytest.raises(UnsafeForProduction, match="JWT_SECRET"):
        create_gateway(GatewaySettings(environment="production", internal_token=fit(), dev_tokens=True))
    assert create_gateway(GatewaySettings(environment="production", internal_token=fit())) is not None


def test_load_settings_exits_with_the_lines(monkeypatch, capsys):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("INTERNAL_TOKEN", DEV_INTERNAL)
    with pytest.raises(SystemExit) as exited:
        load_settings(CustomersSettings)
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[1:] == ["INTERNAL_TOKEN: a known development value"]
