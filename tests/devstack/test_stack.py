"""Which processes devstack starts, in what order, the environment each one gets, and when it is ready."""
import socket
import subprocess
import sys

import pytest

from devstack import stack
from devstack.errors import StackError
from devstack.health import wait_ready
from devstack.processes import Child, Children, tail


def test_select_keeps_start_order_and_rejects_unknown_names():
    assert [a.name for a in stack.select(None)] == ["sinks", "customers", "loyalty", "campaigns", "gateway"]
    assert [a.name for a in stack.select(["gateway", "customers"])] == ["customers", "gateway"]
    assert [a.name for a in stack.select(["campaigns", "sinks"])] == ["sinks", "campaigns"]
    with pytest.raises(StackError, match="billing"):
        stack.select(["billing"])


def test_each_service_gets_its_own_database_and_port():
    base = {"MONGO_DATABASE": "shared-by-mistake", "PATH": "/usr/bin", "PORT": "1"}
    envs = {app.name: stack.app_env(app, base, mongo_url="mongodb://db:1/", amqp_url="amqp://mq/")
            for app in stack.ALL}
    assert {envs[n]["MONGO_DATABASE"] for n in ("customers", "loyalty", "campaigns")} == {
        "customers", "loyalty", "campaigns"}
    assert [envs[n]["PORT"] for n in ("gateway", "customers", "loyalty", "campaigns")] == [
        "8000", "8001", "8002", "8003"]
    services = [envs[n] for n in ("customers", "loyalty", "campaigns")]
    assert all(e["MONGO_URL"] == "mongodb://db:1/" and e["AMQP_URL"] == "amqp://mq/" for e in services)
    assert all(e["PATH"] == "/usr/bin" and e["HOST"] == "127.0.0.1" for e in envs.values())


def test_every_process_runs_in_development_even_from_a_production_shell():
    base = {"ENVIRONMENT": "production", "PATH": "/usr/bin"}
    envs = [stack.app_env(app, base, mongo_url="m", amqp_url="a") for app in stack.ALL]
    assert [env["ENVIRONMENT"] for env in envs] == ["development"] * len(stack.ALL)


def test_gateway_is_told_where_the_services_are():
    env = stack.app_env(stack.GATEWAY, {}, mongo_url="m", amqp_url="a")
    assert env["CUSTOMERS_URL"] == "http://127.0.0.1:8001"
    assert env["LOYALTY_URL"] == "http://127.0.0.1:8002"
    assert env["CAMPAIGNS_URL"] == "http://127.0.0.1:8003"
    assert "CUSTOMERS_URL" not in stack.app_env(stack.SERVICES[0], {}, mongo_url="m", amqp_url="a")
    assert "SINKS_URL" not in env, "the sinks are not a service the gateway calls"
    assert env["MONGO_DATABASE"] == "gateway", "API keys live in the gateway's own database"


def test_sinks_start_alone_before_the_services_and_the_gateway_last():
    names = [[app.name for app in group] for group in stack.stages(stack.select(None))]
    assert names == [["sinks"], ["customers", "loyalty", "campaigns"], ["gateway"]]
    assert [[a.name for a in g] for g in stack.stages(stack.select(["gateway", "campaigns"]))] == [
        ["campaigns"], ["gateway"]]


def test_sinks_get_their_ports_and_call_campaigns_back_with_its_secret():
    env = stack.app_env(stack.SINKS, {"PATH": "/usr/bin", "SINK_AUTO_DELIVER": "false"}, mongo_url="m",
                        amqp_url="a")
    assert env["SINK_HOST"] == "127.0.0.1"
    assert (env["SINK_SMTP_PORT"], env["SINK_HTTP_PORT"]) == ("1025", "8025")
    assert env["SINK_CAMPAIGNS_URL"] == "http://127.0.0.1:8003"
    assert env["SINK_WEBHOOK_SECRET"] == "dev-webhook-secret"
    assert env["SINK_AUTO_DELIVER"] == "true"
    assert env["PATH"] == "/usr/bin"
    assert "MONGO_URL" not in env and "AMQP_URL" not in env and "CUSTOMERS_URL" not in env
    assert stack.SINKS.ports == (8025, 1025), "both must be free before starting"
    assert stack.SINKS.ready_path is None, "the sinks have no /readyz"


def test_campaigns_delivers_to_the_sinks():
    sinks = stack.app_env(stack.SINKS, {}, mongo_url="m", amqp_url="a")
    env = stack.app_env(stack.CAMPAIGNS, {}, mongo_url="m", amqp_url="a")
    assert env["MONGO_DATABASE"] == "campaigns" and env["AMQP_URL"] == "a"
    assert env["CUSTOMERS_URL"] == "http://127.0.0.1:8001"
    assert env["PUBLIC_URL"] == "http://127.0.0.1:8003" == sinks["SINK_CAMPAIGNS_URL"]
    assert (env["SMTP_HOST"], env["SMTP_PORT"], env["SMTP_TLS"]) == ("127.0.0.1", sinks["SINK_SMTP_PORT"], "none")
    assert env["SMS_URL"] == f"http://{sinks['SINK_HOST']}:{sinks['SINK_HTTP_PORT']}"
    assert env["WEBHOOK_SECRET"] == sinks["SINK_WEBHOOK_SECRET"]
    for other in ("customers", "loyalty"):
        app = next(a for a in stack.SERVICES if a.name == other)
        assert "SMTP_HOST" not in stack.app_env(app, {}, mongo_url="m", amqp_url="a")


def test_the_variables_campaigns_gets_are_ones_its_settings_read(monkeypatch):
    from devstack.sinks.settings import SinkSettings
    from services.campaigns.settings import CampaignsSettings

    for name, value in stack.app_env(stack.CAMPAIGNS, {}, mongo_url="mongodb://x:1/", amqp_url="amqp://y/").items():
        monkeypatch.setenv(name, value)
    settings = CampaignsSettings()
    assert (settings.smtp_host, settings.smtp_port, settings.sms_url) == ("127.0.0.1", 1025, "http://127.0.0.1:8025")
    assert settings.webhook_secret.get_secret_value() == "dev-webhook-secret"
    assert settings.public_url == "http://127.0.0.1:8003"
    for name, value in stack.app_env(stack.SINKS, {}, mongo_url="m", amqp_url="a").items():
        monkeypatch.setenv(name, value)
    sinks = SinkSettings()
    assert (sinks.smtp_port, sinks.http_port, sinks.campaigns_url) == (1025, 8025, "http://127.0.0.1:8003")


@pytest.fixture
def idle_child(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield Child("sinks", process, tmp_path / "sinks.log")
    process.kill()
    process.wait()


def test_an_app_without_readyz_is_ready_once_its_port_accepts_connections(idle_child):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        app = stack.App("sinks", "devstack.sinks", listener.getsockname()[1], ready_path=None)
        ready = []
        wait_ready({"sinks": (app, idle_child)}, Children(), timeout=5, on_ready=lambda n, u: ready.append((n, u)))
    assert ready == [("sinks", app.url)]


def test_an_app_without_readyz_times_out_naming_its_port_and_log(idle_child):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, not listening: connections are refused
        app = stack.App("sinks", "devstack.sinks", port, ready_path=None)
        with pytest.raises(StackError, match=rf"port 127\.0\.0\.1:{port}.*sinks\.log"):
            wait_ready({"sinks": (app, idle_child)}, Children(), timeout=0.3)


def test_tail_returns_the_last_lines(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail(log, 3) == "line 97\nline 98\nline 99"
    assert "cannot read" in tail(tmp_path / "missing.log")


def test_runnable_tells_whether_python_m_would_find_the_module():
    assert stack.runnable(stack.SERVICES[0])
    assert not stack.runnable(stack.App("billing", "services.billing", 8009, "billing"))
    assert not stack.runnable(stack.App("nowhere", "no_such_package.at_all", 8009))
