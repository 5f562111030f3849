"""Which processes devstack starts and the environment each one gets."""
import pytest

from devstack import stack
from devstack.errors import StackError
from devstack.processes import tail


def test_select_keeps_start_order_and_rejects_unknown_names():
    assert [a.name for a in stack.select(None)] == ["customers", "loyalty", "campaigns", "gateway"]
    assert [a.name for a in stack.select(["gateway", "customers"])] == ["customers", "gateway"]
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


def test_gateway_is_told_where_the_services_are():
    env = stack.app_env(stack.GATEWAY, {}, mongo_url="m", amqp_url="a")
    assert env["CUSTOMERS_URL"] == "http://127.0.0.1:8001"
    assert env["LOYALTY_URL"] == "http://127.0.0.1:8002"
    assert env["CAMPAIGNS_URL"] == "http://127.0.0.1:8003"
    assert "CUSTOMERS_URL" not in stack.app_env(stack.SERVICES[0], {}, mongo_url="m", amqp_url="a")


def test_tail_returns_the_last_lines(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail(log, 3) == "line 97\nline 98\nline 99"
    assert "cannot read" in tail(tmp_path / "missing.log")


def test_runnable_tells_whether_python_m_would_find_the_module():
    assert stack.runnable(stack.SERVICES[0])
    assert not stack.runnable(stack.App("billing", "services.billing", 8009, "billing"))
    assert not stack.runnable(stack.App("nowhere", "no_such_package.at_all", 8009))
