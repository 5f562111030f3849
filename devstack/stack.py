"""What runs: the service processes, their ports, and the environment each one is started with."""
import importlib.util
from dataclasses import dataclass

from devstack.errors import StackError

HOST = "127.0.0.1"


@dataclass(frozen=True)
class App:
    name: str
    module: str
    port: int
    database: str | None = None  # None: the process keeps no data (the gateway)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


SERVICES = (
    App("customers", "services.customers", 8001, "customers"),
    App("loyalty", "services.loyalty", 8002, "loyalty"),
    App("campaigns", "services.campaigns", 8003, "campaigns"),
)
GATEWAY = App("gateway", "gateway", 8000)
ALL = (*SERVICES, GATEWAY)
NAMES = tuple(app.name for app in ALL)


def select(only: list[str] | None) -> list[App]:
    """The apps to start, in start order; all of them unless `only` names some."""
    if not only:
        return list(ALL)
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        raise StackError(f"unknown name(s) for --only: {', '.join(unknown)} (choose from {', '.join(NAMES)})")
    return [app for app in ALL if app.name in only]


def runnable(app: App) -> bool:
    """True when `python -m <module>` would find something to run."""
    try:
        return importlib.util.find_spec(f"{app.module}.__main__") is not None
    except ImportError:
        return False


def app_env(app: App, base: dict[str, str], *, mongo_url: str, amqp_url: str) -> dict[str, str]:
    """The process's environment: the caller's, with the settings devstack decides on top."""
    env = dict(base)
    env.update(PORT=str(app.port), HOST=HOST, PYTHONUNBUFFERED="1")
    env.setdefault("LOG_LEVEL", "INFO")
    if app.database is not None:
        env.update(MONGO_URL=mongo_url, MONGO_DATABASE=app.database, AMQP_URL=amqp_url)
    else:  # the gateway only calls the services
        env.update({f"{service.name.upper()}_URL": service.url for service in SERVICES})
    return env
