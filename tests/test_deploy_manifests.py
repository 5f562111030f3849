"""The Kubernetes manifests parse and describe every process with probes, config and no fixed replicas limit."""
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "k8s"
PROCESSES = {"customers": 8001, "loyalty": 8002, "campaigns": 8003, "gateway": 8000}


def _documents() -> list[dict]:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        docs.extend(d for d in yaml.safe_load_all((DEPLOY / resource).read_text()) if d)
    return docs


def test_every_process_has_a_deployment_with_probes_and_shared_config():
    deployments = {d["metadata"]["name"]: d for d in _documents() if d["kind"] == "Deployment"}
    assert set(deployments) == set(PROCESSES)
    for name, port in PROCESSES.items():
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
        assert {"name": "PORT", "value": str(port)} in container["env"]
        sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
        assert sources == {"platform-config", "platform-secrets"}
        assert deployments[name]["spec"]["selector"]["matchLabels"] == {"app": name}


def test_services_route_to_their_deployments_and_only_the_gateway_is_exposed():
    docs = _documents()
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    assert {n: s["spec"]["ports"][0]["port"] for n, s in services.items()} == PROCESSES
    ingress = [d for d in docs if d["kind"] == "Ingress"]
    backends = {p["backend"]["service"]["name"] for i in ingress for r in i["spec"]["rules"]
                for p in r["http"]["paths"]}
    assert backends == {"gateway"}
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    assert config["data"]["LOYALTY_URL"] == "http://loyalty:8002"
