"""The Kubernetes manifests parse and describe every process with probes, config, production mode, secrets only from
the operator's Secret, and an Ingress that exposes the graph and the campaigns service's public paths, nothing else."""
import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

from services.campaigns.api.tracking import PUBLIC_PREFIXES
from shared.production import DEVELOPMENT_SECRETS, PLACEHOLDER_MARKER
from tests.support.production import CONNECTION_SECRETS, production_secrets

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "k8s"
PROCESSES = {"customers": 8001, "loyalty": 8002, "campaigns": 8003, "gateway": 8000}
SECRET_NAME = "platform-secrets"


def _kustomization() -> dict:
    return yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())


def _documents() -> list[dict]:
    docs = []
    for resource in _kustomization()["resources"]:
        docs.extend(d for d in yaml.safe_load_all((DEPLOY / resource).read_text()) if d)
    return docs


def _containers() -> dict[str, dict]:
    return {d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]
            for d in _documents() if d["kind"] == "Deployment"}


def _config() -> dict[str, str]:
    return next(d for d in _documents() if d["kind"] == "ConfigMap")["data"]


def _literal_env(container: dict) -> dict[str, str]:
    """What the container gets as plain values: the ConfigMap it loads, then its own `value`s on top."""
    env = {}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, f"only the ConfigMap is loaded whole, not {source}"
        env.update(_config())
    env.update({e["name"]: e["value"] for e in container["env"] if "value" in e})
    return env


def _secret_refs(container: dict) -> dict[str, dict]:
    return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]
            if "secretKeyRef" in e.get("valueFrom", {})}


def test_every_process_has_a_deployment_with_probes_and_shared_config():
    containers = _containers()
    deployments = {d["metadata"]["name"]: d for d in _documents() if d["kind"] == "Deployment"}
    assert set(containers) == set(PROCESSES)
    for name, port in PROCESSES.items():
        container = containers[name]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
        assert {"name": "PORT", "value": str(port)} in container["env"]
        assert container["envFrom"] == [{"configMapRef": {"name": "platform-config"}}]
        assert deployments[name]["spec"]["selector"]["matchLabels"] == {"app": name}


def test_every_process_runs_in_production():
    for name, container in _containers().items():
        assert _literal_env(container).get("ENVIRONMENT") == "production", name


def test_every_secret_a_process_uses_comes_from_the_operators_secret():
    for name, container in _containers().items():
        refs = _secret_refs(container)
        needed = [*production_secrets(name), *CONNECTION_SECRETS]
        assert set(needed) <= set(refs), f"{name} lacks {sorted(set(needed) - set(refs))}"
        for variable, ref in refs.items():
            assert ref["name"] == SECRET_NAME and ref["key"] == variable, (name, ref)
            assert not ref.get("optional"), f"{name}: {variable} must stop the pod when the key is missing"
        assert not set(refs) & set(_literal_env(container)), f"{name} also sets a secret as a plain value"


def test_the_repository_ships_no_secret_values():
    kinds = {d["kind"] for d in _documents()}
    assert "Secret" not in kinds, "the operator creates platform-secrets (deploy/k8s/README.md)"
    assert not {"secretGenerator", "configMapGenerator"} & set(_kustomization())
    text = "\n".join(p.read_text() for p in sorted(DEPLOY.glob("*.yaml")))
    assert PLACEHOLDER_MARKER not in text.lower()
    assert not [value for value in DEVELOPMENT_SECRETS if value in text]
    secret_names = {v for c in _containers().values() for v in _secret_refs(c)}
    assert not secret_names & set(_config()), "a secret in the ConfigMap"


def test_the_readme_command_creates_every_key_the_deployments_read():
    readme = (DEPLOY / "README.md").read_text()
    command = readme[readme.index(f"create secret generic {SECRET_NAME}"):].split("```")[0]
    given = set(re.findall(r"--from-literal=(\w+)=", command))
    needed = {v for c in _containers().values() for v in _secret_refs(c)}
    assert given == needed
    assert not [value for value in DEVELOPMENT_SECRETS if value in command]


def _ingress_routes() -> dict[str, tuple[str, str, int]]:
    """path -> (host, service, port) over every Ingress."""
    routes = {}
    for ingress in (d for d in _documents() if d["kind"] == "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["path"] not in routes, f"{path['path']} routed twice"
                service = path["backend"]["service"]
                routes[path["path"]] = (rule.get("host"), service["name"], service["port"]["number"])
                assert path["pathType"] == "Prefix"
    return routes


def test_the_ingress_exposes_the_graph_and_exactly_campaigns_public_paths():
    routes = _ingress_routes()
    expected = {"/graphql": ("gateway", PROCESSES["gateway"]),
                **{prefix: ("campaigns", PROCESSES["campaigns"]) for prefix in PUBLIC_PREFIXES}}
    assert {path: (service, port) for path, (_, service, port) in routes.items()} == expected
    hosts = {host for host, _, _ in routes.values()}
    assert len(hosts) == 1 and None not in hosts, "one public host, named (no catch-all rule)"


def test_campaigns_links_point_at_the_public_host_over_tls():
    (host,) = {host for host, _, _ in _ingress_routes().values()}
    public = urlparse(_literal_env(_containers()["campaigns"])["PUBLIC_URL"])
    assert (public.scheme, public.hostname) == ("https", host)
    ingress = next(d for d in _documents() if d["kind"] == "Ingress")
    assert [host] in [tls["hosts"] for tls in ingress["spec"]["tls"]]


def test_services_route_to_their_deployments_and_only_the_ingress_reaches_them():
    docs = _documents()
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    assert {n: s["spec"]["ports"][0]["port"] for n, s in services.items()} == PROCESSES
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in services.values())
    assert _config()["LOYALTY_URL"] == "http://loyalty:8002"


def test_staff_sign_in_through_an_identity_provider_the_gateway_accepts():
    """Production has no development tokens: the gateway's OIDC settings must be complete and valid as shipped."""
    from gateway.settings import GatewaySettings

    oidc = {name.lower(): value for name, value in _literal_env(_containers()["gateway"]).items()
            if name.startswith("OIDC_")}
    settings = GatewaySettings(environment="production", **oidc)
    assert settings.oidc_issuer.startswith("https://") and settings.oidc_audience
    assert set(settings.oidc_role_map.values()) == {"admin", "marketer", "support", "viewer"}
    assert not settings.dev_tokens_enabled
