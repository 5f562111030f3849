"""Where a Docker engine answers, tests can run on real `mongo` and `rabbitmq` images through testcontainers.

TEST_INFRA=auto (default) uses containers when Docker answers, else the local SecantusDB and RabbitMQ;
TEST_INFRA=containers insists on containers; TEST_INFRA=local never uses them.
"""
import contextlib
import os
import time


def docker_available() -> bool:
    try:
        import docker
        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def use_containers() -> bool:
    mode = os.environ.get("TEST_INFRA", "auto")
    if mode == "local":
        return False
    if mode == "containers":
        return True
    return docker_available()


@contextlib.contextmanager
def mongo_replica_set():
    """A single-node replica set (transactions need one); yields a directConnection URL."""
    from pymongo import MongoClient
    from testcontainers.core.container import DockerContainer

    container = DockerContainer("mongo:7").with_command("--replSet rs0 --bind_ip_all").with_exposed_ports(27017)
    with container:
        url = f"mongodb://{container.get_container_host_ip()}:{container.get_exposed_port(27017)}/?directConnection=true"
        client = MongoClient(url, serverSelectionTimeoutMS=30000)
        client.admin.command("replSetInitiate", {"_id": "rs0", "members": [{"_id": 0, "host": "localhost:27017"}]})
        deadline = time.monotonic() + 60
        while not client.admin.command("hello").get("isWritablePrimary"):
            if time.monotonic() > deadline:
                raise RuntimeError("mongo replica set did not elect a primary")
            time.sleep(0.5)
        client.close()
        yield url


@contextlib.contextmanager
def rabbitmq():
    import pika
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3-management") as container:
        params: pika.ConnectionParameters = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/"
