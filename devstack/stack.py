"""What runs: the service processes, their ports, and the environment each one is started with."""
import importlib.util
from dataclasses import dataclass

from devstack.errors import StackError

HOST = "127.0.0.1"
# The campaigns service and the local delivery fakes (sinks) must agree on it: the sinks send it on callbacks.
WEBHOOK_SECRET = "dev-webhook-secret"
SMTP_PORT = 1025


@dataclass(frozen=True)
class App:
    name: str
    module: str
    port: int
    database: str | None = None  # None: the process keeps no data (the sinks)
    ready_path: str | None = "/readyz"  # None: ready once `port` accepts connections
    other_ports: tuple[int, ...] = ()  # further ports it listens on, which must be free too

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, *self.other_ports)


# Local stand-ins for the mail server and the SMS provider the campaigns service delivers to: an SMTP sink on
# SMTP_PORT and an HTTP SMS provider on `port`, which also lists what arrived (GET /mails, GET /sms). It has no
# /readyz; its HTTP port opens after the SMTP one, so an open HTTP port means both are up.
SINKS = App("sinks", "devstack.sinks", 8025, ready_path=None, other_ports=(SMTP_PORT,))
SERVICES = (
    App("customers", "services.customers", 8001, "customers"),
    App("loyalty", "services.loyalty", 8002, "loyalty"),
    App("campaigns", "services.campaigns", 8003, "campaigns"),
)
CUSTOMERS, LOYALTY, CAMPAIGNS = SERVICES
GATEWAY = App("gateway", "gateway", 8000, "gateway")
ALL = (SINKS, *SERVICES, GATEWAY)
NAMES = tuple(app.name for app in ALL)
# Started one stage after the other, each stage once the previous one is ready.
STAGES = ((SINKS,), SERVICES, (GATEWAY,))


def select(only: list[str] | None) -> list[App]:
    """The apps to start, in start order; all of them unless `only` names some."""
    if not only:
        return list(ALL)
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        raise StackError(f"unknown name(s) for --only: {', '.join(unknown)} (choose from {', '.join(NAMES)})")
    return [app for app in ALL if app.name in only]


def stages(apps: list[App]) -> list[list[App]]:
    """`apps` in the groups they start in (sinks, then the services, then the gateway), empty groups left out."""
    groups = [[app for app in stage if app in apps] for stage in STAGES]
    return [group for group in groups if group]


def runnable(app: App) -> bool:
    """True when `python -m <module>` would find something to run."""
    try:
        return importlib.util.find_spec(f"{app.module}.__main__") is not None
    except ImportError:
        return False


def app_env(app: App, base: dict[str, str], *, mongo_url: str, amqp_url: str) -> dict[str, str]:
    """The process's environment: the caller's, with the settings devstack decides on top."""
    env = dict(base)
    # A local stack runs on the development secrets below, which production mode refuses (shared/production.py).
    env.update(PORT=str(app.port), HOST=HOST, PYTHONUNBUFFERED="1", ENVIRONMENT="development")
    env.setdefault("LOG_LEVEL", "INFO")
    if app == SINKS:
        env.update(SINK_HOST=HOST, SINK_SMTP_PORT=str(SMTP_PORT), SINK_HTTP_PORT=str(SINKS.port),
                   SINK_CAMPAIGNS_URL=CAMPAIGNS.url, SINK_WEBHOOK_SECRET=WEBHOOK_SECRET, SINK_AUTO_DELIVER="true")
    elif app == GATEWAY:  # calls the services; its database holds API keys; the broker feeds subscriptions
        env.update(MONGO_URL=mongo_url, MONGO_DATABASE=app.database, AMQP_URL=amqp_url)
        env.update({f"{service.name.upper()}_URL": service.url for service in SERVICES})
    elif app.database is not None:
        env.update(MONGO_URL=mongo_url, MONGO_DATABASE=app.database, AMQP_URL=amqp_url)
        if app == CAMPAIGNS:  # delivers through the sinks; its links point back at itself
            env.update(CUSTOMERS_URL=CUSTOMERS.url, PUBLIC_URL=CAMPAIGNS.url, SMTP_HOST=HOST,
                       SMTP_PORT=str(SMTP_PORT), SMTP_TLS="none", SMS_URL=SINKS.url, WEBHOOK_SECRET=WEBHOOK_SECRET)
    return env
